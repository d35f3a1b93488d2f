"""Carrying out the reactions to committed events: dispatch each outbox event to its flows, then run them.

Dispatching turns each new outbox event into one Reaction row per flow, once (the event row is locked while
that happens and marked dispatched with it). Running a reaction locks its row, does its work and marks it DONE
in one transaction, so a crash before the commit leaves it PENDING to run again and a crash after leaves it
done: each runs at least once and takes effect once. A failure is recorded on the row and retried with a
growing delay; after MAX_ATTEMPTS the reaction stays FAILED, with its error, for people to see.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.changes.events import event_of
from api.changes.models import OutboxEvent, Reaction, ReactionState
from api.changes.tracking import wake_on_commit
from api.flows.reactions import BY_NAME, flows_for
from api.kit.columns import utcnow
from api.kit.tasks import stopping
from api.settings import Settings

logger = logging.getLogger("rapport.flows")
MAX_ATTEMPTS = 5
FIRST_RETRY_DELAY = timedelta(seconds=10)
DISPATCH_BATCH = 200


async def dispatch_events(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Record the reactions of events not dispatched yet; returns how many events were dispatched."""
    now = now or utcnow()
    rows = list(await session.scalars(
        select(OutboxEvent).where(OutboxEvent.dispatched_at.is_(None)).order_by(OutboxEvent.id)
        .limit(DISPATCH_BATCH).with_for_update(skip_locked=True)
    ))
    for row in rows:
        for flow in flows_for(event_of(row)):
            session.add(Reaction(event_id=row.id, name=flow.name, state=ReactionState.PENDING, attempts=0,
                                 due_at=now))
        row.dispatched_at = now
    await session.flush()
    return len(rows)


async def due_reactions(session: AsyncSession, *, now: datetime | None = None, limit: int = 100) -> list[int]:
    """The ids of pending reactions whose time has come, oldest first."""
    return list(await session.scalars(
        select(Reaction.id).where(Reaction.state == ReactionState.PENDING, Reaction.due_at <= (now or utcnow()))
        .order_by(Reaction.id).limit(limit)
    ))


async def run_reaction(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                       reaction_id: int) -> ReactionState | None:
    """Carry out one pending reaction that is due; None when it is not (done already, or another runner has it)."""
    async with session_factory() as session:
        now = utcnow()
        reaction = await session.scalar(
            select(Reaction).where(Reaction.id == reaction_id, Reaction.state == ReactionState.PENDING,
                                   Reaction.due_at <= now)
            .with_for_update(skip_locked=True).execution_options(populate_existing=True)
        )
        if reaction is None:
            await session.rollback()
            return None
        row = await session.get(OutboxEvent, reaction.event_id)
        reaction.attempts += 1
        try:
            async with session.begin_nested():  # the work is undone on failure, the attempt's record is not
                await BY_NAME[reaction.name].handler(session, event_of(row), settings)
        except Exception as exc:  # noqa: BLE001 - recorded on the reaction, retried, and visible once it gives up
            logger.exception("reaction %s to event %s (%s) failed", reaction.name, reaction.event_id,
                             row.kind if row else "?")
            reaction.error = f"{type(exc).__name__}: {exc}"[:2000]
            if reaction.attempts >= MAX_ATTEMPTS:
                reaction.state, reaction.finished_at = ReactionState.FAILED, now
            else:
                reaction.due_at = now + FIRST_RETRY_DELAY * 3 ** (reaction.attempts - 1)
        else:
            reaction.state, reaction.finished_at, reaction.error = ReactionState.DONE, utcnow(), None
        state = reaction.state
        await session.commit()
        return state


async def dispatch_and_list_due(session_factory: async_sessionmaker[AsyncSession]) -> list[int]:
    """Dispatch every new event, then list the reactions that are due."""
    async with session_factory() as session:
        while await dispatch_events(session):
            await session.commit()
        await session.commit()
        due = await due_reactions(session)
        await session.rollback()
    return due


async def run_due_reactions(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings) -> int:
    """Dispatch the new events, then carry out every reaction that is due; returns how many ran."""
    ran = 0
    for reaction_id in await dispatch_and_list_due(session_factory):
        if await run_reaction(session_factory, settings=settings, reaction_id=reaction_id) is not None:
            ran += 1
    return ran


async def run_reactions_forever(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                                poll_seconds: float = 2.0) -> None:
    """The embedded dispatcher: react to each commit that wrote events in this process at once, and to the
    others (another process's, a retry coming due) within `poll_seconds`, until cancelled."""
    signal = asyncio.Event()
    wake_on_commit(signal)
    while True:
        signal.clear()
        try:
            while await run_due_reactions(session_factory, settings=settings):
                pass
        except Exception:  # noqa: BLE001 - a failed pass is logged and tried again
            if stopping():
                raise asyncio.CancelledError from None
            logger.exception("running reactions failed")
        try:
            async with asyncio.timeout(poll_seconds):  # unlike wait_for on 3.11, never swallows a cancellation
                await signal.wait()
        except TimeoutError:
            pass
