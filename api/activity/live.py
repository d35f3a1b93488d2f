"""Live activity: each commit that recorded activity is announced through the fan-out, and each process wakes the
subscriptions it may concern, which then read what is new from the database under their viewer's rules.

An announcement carries ids only and is a hint: what a subscriber receives is always read back through the
tenant scope at the moment it is delivered, so a lost or forged announcement can cost a wake-up, never a leak.
Activity ids follow commit order (see `service.record_activity`), so reading "after the last id delivered"
misses nothing and repeats nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.activity import service as activity_service
from api.activity.models import Activity
from api.auth.models import ApiToken, Membership, User
from api.auth.principal import Principal
from api.auth.scoping import activity_viewer
from api.clients import service as client_service
from api.kit.errors import DomainError, NotFound
from api.kit.fanout import Fanout, open_fanout
from api.projects import service as project_service
from api.settings import Settings

logger = logging.getLogger("rapport.live")
_NOTES = "rapport_live_notes"
_hubs: set[LiveActivity] = set()
# What may end or narrow a subscriber's access: its change wakes every subscription to check its token again.
_ACCESS_FIELDS = {ApiToken: "revoked_at", User: "is_active"}
PAGE = 100
T = TypeVar("T")


class TooManySubscriptions(DomainError):
    code = "SUBSCRIPTION_LIMIT"


class _Abandoned(Exception):
    """The subscription doing a shared read went away before it finished: whoever waited for it reads again."""


@dataclass(eq=False)
class Watch:
    """One subscription's interest: a project, a client, or everything its viewer may see."""

    client_id: int | None
    project_id: int | None
    woken: asyncio.Event = field(default_factory=asyncio.Event)

    def concerns(self, note: dict[str, Any] | None) -> bool:
        if note is None or "access" in note:
            return True
        if self.project_id is not None:
            return note.get("project") == self.project_id
        return self.client_id is None or note.get("client") == self.client_id


class LiveActivity:
    """This process's end of the fan-out: it announces commits and wakes the subscriptions they concern."""

    def __init__(self, fanout: Fanout, *, per_principal: int) -> None:
        self.fanout = fanout
        self.per_principal = per_principal
        self._watches: set[Watch] = set()
        self._held: Counter[tuple[str, int | None]] = Counter()
        self._sending: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._heard = 0  # messages heard so far: a read started since the last one sees every commit announced
        self._under_way: dict[tuple[Hashable, ...], asyncio.Future[Any]] = {}

    async def run(self) -> None:
        """Listen until cancelled, waking every subscription a message concerns (all of them on each reconnect)."""
        self._loop = asyncio.get_running_loop()
        async for message in self.fanout.listen():
            self._heard += 1
            note = _note(message) if message is not None else None
            for watch in list(self._watches):
                if watch.concerns(note):
                    watch.woken.set()

    async def together(self, key: tuple[Hashable, ...], read: Callable[[], Awaitable[T]]) -> T:
        """`read()`, or the answer of the same read (`key`) that another subscription started in this process
        since the last message: the same viewer's token, or the same rows under the same rules, read once for every
        subscription a commit woke rather than once each. A read started before the last message is never shared,
        since it may have missed the commit that message announced."""
        key = (self._heard, *key)
        while (under_way := self._under_way.get(key)) is not None:
            try:
                return await asyncio.shield(under_way)
            except _Abandoned:
                continue
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        self._under_way[key] = future
        try:
            answer = await read()
        except Exception as error:
            future.set_exception(error)
            raise
        except BaseException:
            future.set_exception(_Abandoned())
            raise
        finally:
            del self._under_way[key]
        future.set_result(answer)
        return answer

    def announce(self, notes: list[dict[str, Any]]) -> None:
        """Send `notes` to every process, without waiting (from any thread: the hub's own loop sends them)."""
        if self._loop is None or self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._start_sending, notes)

    def _start_sending(self, notes: list[dict[str, Any]]) -> None:
        task = asyncio.get_running_loop().create_task(self._send(notes))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, notes: list[dict[str, Any]]) -> None:
        for note in notes:
            await self.fanout.publish(json.dumps(note, separators=(",", ":")))

    async def drain(self) -> None:
        """Wait for the announcements under way."""
        await asyncio.gather(*self._sending, return_exceptions=True)

    @contextmanager
    def watch(self, principal: Principal, *, client_id: int | None, project_id: int | None) -> Iterator[Watch]:
        """Be woken while inside, for at most `per_principal` subscriptions of one principal in this process."""
        key = ("token", principal.api_token_id) if principal.api_token_id else ("user", principal.user_id)
        if self._held[key] >= self.per_principal:
            raise TooManySubscriptions(f"at most {self.per_principal} live subscriptions per caller")
        self._held[key] += 1
        watch = Watch(client_id=client_id, project_id=project_id)
        self._watches.add(watch)
        try:
            yield watch
        finally:
            self._watches.discard(watch)
            self._held[key] -= 1
            if not self._held[key]:
                del self._held[key]


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # seen here, so that an answer nobody else waited for is not reported as lost


def _note(message: str) -> dict[str, Any]:
    try:
        note = json.loads(message)
    except ValueError:
        return {"access": True}  # unreadable: wake everyone, who then read only what they may
    return note if isinstance(note, dict) else {"access": True}


async def follow_activity(session: AsyncSession, *, live: LiveActivity, principal: Principal,
                          authenticate: Callable[[], Awaitable[Principal]], token: str, after_id: int | None,
                          client_id: int | None, project_id: int | None,
                          recheck_seconds: float) -> AsyncIterator[tuple[Principal, Activity]]:
    """The activity after `after_id` (or from now), then each new one, as the viewer may see it when it arrives.

    The token is checked again (`authenticate()`) before each read and at least every `recheck_seconds`:
    Unauthenticated ends the stream once it no longer holds. Each item comes with the principal it was read for.
    Subscriptions woken together share the check of one token and the read of the same rows (`live.together`).
    """
    if project_id is not None:
        await project_service.get_project(session, principal=principal, project_id=project_id, field="projectId")
    if client_id is not None and (await client_service.clients_by_ids(session, principal=principal,
                                                                      ids=[client_id]))[0] is None:
        raise NotFound("no such client", field="clientId")
    # "From now" is fixed before the watch exists: anything committed after this point is read at the next wake-up.
    cursor = after_id if after_id is not None else await activity_service.latest_activity_id(session)
    with live.watch(principal, client_id=client_id, project_id=project_id) as watch:
        while True:
            watch.woken.clear()
            principal = await live.together(("token", token), authenticate)
            rows = await live.together(("rows", activity_viewer(principal), client_id, project_id, cursor),
                                       lambda: _read_after(session, principal, cursor, client_id, project_id))
            for row in rows:
                cursor = row.id
                yield principal, row
            if len(rows) == PAGE:
                continue
            # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that arrives as the wait ends, and the
            # subscription would then outlive its socket (and hold up the server's shutdown).
            try:
                async with asyncio.timeout(recheck_seconds):
                    await watch.woken.wait()
            except TimeoutError:
                pass


async def _read_after(session: AsyncSession, principal: Principal, cursor: int, client_id: int | None,
                      project_id: int | None) -> list[Activity]:
    try:
        rows = await activity_service.activity_after(session, principal=principal, after_id=cursor,
                                                     client_id=client_id, project_id=project_id, limit=PAGE)
        for row in rows:
            session.expunge(row)  # kept as read (and shared read-only): a later transaction would expire it
        return rows
    finally:
        await session.rollback()  # no read stays open while waiting, and the next one sees new commits


@asynccontextmanager
async def live_activity(settings: Settings) -> AsyncIterator[LiveActivity]:
    """This process's hub on RAPPORT_EVENTS_URL, listening and announcing this process's commits while inside."""
    live = LiveActivity(open_fanout(settings.events_url), per_principal=settings.ws_max_subscriptions_per_principal)
    listening = asyncio.create_task(live.run())
    await asyncio.sleep(0)  # the listener holds the loop that announcements are sent from
    announce_commits(live)
    try:
        yield live
    finally:
        stop_announcing(live)
        listening.cancel()
        await asyncio.gather(listening, live.drain(), return_exceptions=True)
        await live.fanout.close()


def announce_commits(live: LiveActivity) -> None:
    """Announce, through `live`, every commit in this process that records activity or changes someone's access."""
    for name, listener in (("after_flush", _collect), ("after_commit", _announce), ("after_rollback", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    _hubs.add(live)


def stop_announcing(live: LiveActivity) -> None:
    _hubs.discard(live)


def _collect(session: Session, _context: Any) -> None:
    if not _hubs:
        return
    notes = session.info.setdefault(_NOTES, [])
    for row in session.new:
        if isinstance(row, Activity):
            notes.append({"activity": row.id, "client": row.client_id, "project": row.project_id})
    if _access_changed(session):
        notes.append({"access": True})


def _access_changed(session: Session) -> bool:
    if any(isinstance(row, Membership) for row in (*session.new, *session.dirty, *session.deleted)):
        return True
    for row in (*session.dirty, *session.deleted):
        name = _ACCESS_FIELDS.get(type(row))
        if name is not None and (row in session.deleted or inspect(row).attrs[name].history.has_changes()):
            return True
    return False


def _announce(session: Session) -> None:
    notes = session.info.pop(_NOTES, None)
    if notes:
        for live in list(_hubs):
            live.announce(notes)


def _forget(session: Session) -> None:
    session.info.pop(_NOTES, None)
