"""Carrying out queued site builds: the embedded worker takes them one at a time; every path ends in
carry_out_build."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.kit.columns import utcnow
from api.kit.tasks import stopping
from api.settings import Settings
from api.sites import build_queue
from api.sites.models import BuildState, SiteBuild
from sitegen.pipeline import BuildOutcome, publish_site
from sitegen.publish import Publisher

logger = logging.getLogger("rapport.sitegen")


async def run_next_build(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings) -> BuildOutcome | None:
    """Claim the oldest queued build and carry it out; None when nothing is queued."""
    async with session_factory() as session:
        build = await build_queue.claim_next_build(session, lease=settings.build_lease)
        if build is None:
            await session.rollback()
            return None
        return await carry_out_build(session, build, settings=settings)


async def carry_out_build(session: AsyncSession, build: SiteBuild, *, settings: Settings, target: str | None = None,
                          force: bool = False, retry: bool = True, publisher: Publisher | None = None,
                          turn: AbstractAsyncContextManager[Any] | None = None) -> BuildOutcome:
    """Publish a build just claimed, to `target` (the configured one by default); a failed attempt goes back in the
    queue with a growing delay while attempts remain, unless `retry` is off (someone is watching it)."""
    async with turn or nullcontext():
        build.target = target or settings.resolved_publish_target
        await session.commit()
    outcome = await publish_site(session, build, settings=settings, publisher=publisher, force=force, turn=turn)
    if outcome.state is BuildState.FAILED and not outcome.taken_back and retry:
        async with turn or nullcontext():
            if build_queue.retry_later(build, now=utcnow()):
                await session.commit()
    return outcome


async def run_build_worker(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                           poll_seconds: float = 1.0) -> None:
    """Work through queued builds until cancelled, polling when the queue is empty.

    Builds left running by a process that was killed are taken back once their lease runs out (claim_next_build).
    """
    while True:
        try:
            outcome = await run_next_build(session_factory, settings=settings)
        except Exception:  # noqa: BLE001 - a worker outlives one bad build; the build records its own failure
            if stopping():
                raise asyncio.CancelledError from None  # cleaning up after the stop failed: stop all the same
            logger.exception("site build worker iteration failed")
            outcome = None
        if outcome is None:
            await asyncio.sleep(poll_seconds)


async def run_scheduler(session_factory: async_sessionmaker[AsyncSession], *, poll_seconds: float = 30.0) -> None:
    """Queue each site's scheduled rebuild when it comes due, until cancelled."""
    while True:
        try:
            async with session_factory() as session:
                await build_queue.queue_scheduled_builds(session, now=utcnow())
                await session.commit()
        except Exception:  # noqa: BLE001 - a failed pass is logged and retried at the next poll
            if stopping():
                raise asyncio.CancelledError from None
            logger.exception("site build scheduler pass failed")
        await asyncio.sleep(poll_seconds)
