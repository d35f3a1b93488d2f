"""`rapport sites build`: queue a build of each chosen site and carry them out here and now, as a worker would.

Each build is queued and claimed in one step, so it is recorded, leased and carried out exactly like the builds
that workers take (carry_out_build). A client whose site another process is building waits its turn. Up to one
build per build process runs at once; their database work takes turns on one lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.settings import Settings
from api.sites import build_queue
from api.sites import service as site_service
from api.sites.models import BuildTrigger, SiteBuild
from sitegen.pipeline import BuildOutcome
from sitegen.publish import publisher_for
from sitegen.worker import carry_out_build

WAIT_SECONDS = 0.5


async def build_sites(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    slugs: list[str] | None = None,
    target: str | None = None,
    force: bool = False,
    on_done: Callable[[BuildOutcome], None] | None = None,
) -> list[BuildOutcome]:
    """Build and publish the sites of `slugs` (every enabled client when None); outcomes in the clients' order."""
    target = target or settings.resolved_publish_target
    publisher = publisher_for(target, settings)
    async with session_factory() as session:
        entries = await site_service.client_sites(session, slugs=slugs)
    slots = asyncio.Semaphore(settings.resolved_build_processes)
    turn = asyncio.Lock()
    outcomes: list[BuildOutcome | None] = [None] * len(entries)
    reported = 0

    async def build_one(index: int, client_id: int) -> None:
        nonlocal reported
        async with slots, session_factory() as session:
            build = await _claim_when_free(session, client_id=client_id, settings=settings, turn=turn)
            outcomes[index] = await carry_out_build(session, build, settings=settings, target=target, force=force,
                                                    retry=False, publisher=publisher, turn=turn)
        while reported < len(outcomes) and (outcome := outcomes[reported]) is not None:
            reported += 1
            if on_done is not None:
                on_done(outcome)

    tasks = [asyncio.create_task(build_one(index, entry.client.id)) for index, entry in enumerate(entries)]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return [outcome for outcome in outcomes if outcome is not None]


async def _claim_when_free(session: AsyncSession, *, client_id: int, settings: Settings,
                           turn: asyncio.Lock) -> SiteBuild:
    """Queue a build of the client's site and claim it, once no other build of that client is running."""
    while True:
        async with turn:
            queued = await build_queue.queue_build(session, client_id=client_id, trigger=BuildTrigger.MANUAL,
                                                   reason="rapport sites build")
            claimed = await build_queue.claim_build(session, build_id=queued.id, lease=settings.build_lease)
            await session.commit()
        if claimed is not None:
            return claimed
        await asyncio.sleep(WAIT_SECONDS)  # another process is building this client's site: wait for it


