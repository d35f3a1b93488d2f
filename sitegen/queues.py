"""The two build queues behind one protocol, chosen in one place from RAPPORT_BUILD_QUEUE.

embedded: `rapport serve` reacts to events, sends mail, schedules and carries out builds in its own process (SQLite or
PostgreSQL); there are no worker processes. procrastinate: `rapport worker` processes do all of that, on
PostgreSQL, and the server only serves.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.delivery.sender import run_deliveries_forever
from api.flows.runner import run_reactions_forever
from api.settings import Settings, SettingsError
from api.sites.models import SiteBuild
from sitegen.pipeline import BuildOutcome
from sitegen.pool import close_build_pool
from sitegen.queue import run_queue_worker
from sitegen.queue_schema import prepare_queue_schema
from sitegen.worker import run_build_worker, run_scheduler

BackgroundJob = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]


class BuildQueue(Protocol):
    """Where queued builds and reactions are carried out."""

    def server_jobs(self, settings: Settings) -> list[BackgroundJob]:
        """What `rapport serve` runs beside the API."""

    async def prepare(self, settings: Settings) -> None:
        """Create or migrate what the queue keeps in the database besides Rapport's own tables."""

    async def run_workers(self, session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                          concurrency: int, on_done: Callable[[SiteBuild, BuildOutcome], None],
                          on_ready: Callable[[str], None]) -> None:
        """Be one worker process until SIGINT or SIGTERM."""


class EmbeddedQueue:
    def server_jobs(self, settings: Settings) -> list[BackgroundJob]:
        return [functools.partial(run_reactions_forever, settings=settings),
                functools.partial(run_deliveries_forever, settings=settings),
                functools.partial(_build_worker, settings=settings), run_scheduler]

    async def prepare(self, settings: Settings) -> None:
        return None

    async def run_workers(self, session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                          concurrency: int, on_done: Callable[[SiteBuild, BuildOutcome], None],
                          on_ready: Callable[[str], None]) -> None:
        raise SettingsError("rapport worker needs RAPPORT_BUILD_QUEUE=procrastinate "
                            "(with the embedded queue, rapport serve carries out the builds)")


class ProcrastinateQueue:
    def server_jobs(self, settings: Settings) -> list[BackgroundJob]:
        return []

    async def prepare(self, settings: Settings) -> None:
        await prepare_queue_schema(settings.resolved_database_url, migrate=True)

    async def run_workers(self, session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                          concurrency: int, on_done: Callable[[SiteBuild, BuildOutcome], None],
                          on_ready: Callable[[str], None]) -> None:
        sender = asyncio.create_task(run_deliveries_forever(session_factory, settings=settings))
        try:
            await run_queue_worker(session_factory, settings=settings, concurrency=concurrency, on_done=on_done,
                                   on_ready=on_ready)
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            close_build_pool()


def build_queue_for(settings: Settings) -> BuildQueue:
    """The build queue RAPPORT_BUILD_QUEUE names."""
    return ProcrastinateQueue() if settings.build_queue == "procrastinate" else EmbeddedQueue()


async def _build_worker(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings) -> None:
    """The in-process build worker; its build processes stop with it."""
    try:
        await run_build_worker(session_factory, settings=settings)
    finally:
        close_build_pool()
