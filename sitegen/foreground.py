"""`rapport sites build`: queue a build of each chosen site and carry them out here and now, as a worker would.

Each build is queued and claimed in one step, so it is recorded, leased and carried out exactly like the builds
that workers take (carry_out_build). A client whose site another process is building waits its turn. Up to one
build per build process runs at once; their database work takes turns on one lock. First, though, every site
whose build key is live is recorded UNCHANGED in one transaction: with nothing changed, a run over every client
reads a few rows per client and builds nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.changes.service import data_versions
from api.cx.surveys.site_links import current_site_survey_links
from api.settings import Settings
from api.sites import build_queue
from api.sites import service as site_service
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from sitegen.pipeline import BuildOutcome, build_key, is_live, site_options
from sitegen.publish import publisher_for
from sitegen.worker import carry_out_build

WAIT_SECONDS = 0.5
REASON = "rapport sites build"


async def build_sites(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    slugs: list[str] | None = None,
    target: str | None = None,
    force: bool = False,
    on_done: Callable[[BuildOutcome], None] | None = None,
) -> list[BuildOutcome]:
    """Build and publish the sites of `slugs` (every enabled client when None); outcomes in the clients' order.

    Sites whose build key is live are recorded UNCHANGED together, in one transaction, without a build each.
    """
    target = target or settings.resolved_publish_target
    async with session_factory() as session:
        entries = await site_service.client_sites(session, slugs=slugs)
        unchanged = {} if force else await _record_unchanged(session, entries, settings=settings, target=target)
    outcomes: list[BuildOutcome | None] = [unchanged.get(entry.client.id) for entry in entries]
    to_build = [(index, entry.client.id) for index, entry in enumerate(entries) if outcomes[index] is None]
    publisher = publisher_for(target, settings) if to_build else None
    slots = asyncio.Semaphore(settings.resolved_build_processes)
    turn = asyncio.Lock()
    reported = 0

    def report() -> None:
        nonlocal reported
        while reported < len(outcomes) and (outcome := outcomes[reported]) is not None:
            reported += 1
            if on_done is not None:
                on_done(outcome)

    async def build_one(index: int, client_id: int) -> None:
        async with slots, session_factory() as session:
            build = await _claim_when_free(session, client_id=client_id, settings=settings, turn=turn)
            outcomes[index] = await carry_out_build(session, build, settings=settings, target=target, force=force,
                                                    retry=False, publisher=publisher, turn=turn)
        report()

    report()
    tasks = [asyncio.create_task(build_one(index, client_id)) for index, client_id in to_build]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return [outcome for outcome in outcomes if outcome is not None]


async def _record_unchanged(session: AsyncSession, entries: list[site_service.ClientSite], *, settings: Settings,
                            target: str) -> dict[int, BuildOutcome]:
    """Record UNCHANGED, in one commit, for each client whose build key is live and that has no build queued or
    running (those, and clients whose survey links need renewing, take the usual way)."""
    client_ids = [entry.client.id for entry in entries]
    versions = await data_versions(session, client_ids=client_ids)
    links = await current_site_survey_links(session, settings=settings, client_ids=client_ids)
    busy = await build_queue.busy_clients(session, client_ids=client_ids)
    unchanged = {}
    for entry in entries:
        client_id = entry.client.id
        if client_id in busy or client_id not in links:
            continue
        key = build_key(entry, site_options(entry, links[client_id]), target=target, version=versions[client_id])
        if is_live(entry, key):
            build_queue.record_unchanged(session, site=entry.site, target=target, reason=REASON)
            unchanged[client_id] = BuildOutcome(slug=entry.client.slug, state=BuildState.UNCHANGED,
                                                site_path=entry.site_path)
    await session.commit()
    return unchanged


async def _claim_when_free(session: AsyncSession, *, client_id: int, settings: Settings,
                           turn: asyncio.Lock) -> SiteBuild:
    """Queue a build of the client's site and claim it, once no other build of that client is running."""
    while True:
        async with turn:
            queued = await build_queue.queue_build(session, client_id=client_id, trigger=BuildTrigger.MANUAL,
                                                   reason=REASON)
            claimed = await build_queue.claim_build(session, build_id=queued.id, lease=settings.build_lease)
            await session.commit()
        if claimed is not None:
            return claimed
        await asyncio.sleep(WAIT_SECONDS)  # another process is building this client's site: wait for it


