"""Rebuilds that data changes queue: one per client, due once its data has rested for the quiet period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.sites import build_queue
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild
from tests.fixtures.factories import make_client

QUIET = timedelta(seconds=30)
NOON = datetime(2026, 6, 1, 12, tzinfo=UTC)


async def _queued(session: AsyncSession) -> list[tuple[int, BuildTrigger, datetime | None]]:
    rows = await session.execute(select(SiteBuild.client_id, SiteBuild.trigger, SiteBuild.retry_at)
                                 .where(SiteBuild.state == BuildState.QUEUED).order_by(SiteBuild.id))
    return [tuple(row) for row in rows]


async def test_a_burst_of_changes_queues_one_rebuild_that_waits_for_the_data_to_rest(session: AsyncSession) -> None:
    harbor = await make_client(session, slug="harbor")
    for second in (0, 10, 25):
        await build_queue.queue_changed_sites(session, client_ids=[harbor.id], quiet=QUIET,
                                              now=NOON + timedelta(seconds=second))
    assert await _queued(session) == [(harbor.id, BuildTrigger.EVENT, NOON + timedelta(seconds=55))]


async def test_a_stream_of_changes_holds_its_rebuild_back_at_most_ten_quiet_periods(session: AsyncSession) -> None:
    harbor = await make_client(session, slug="harbor")
    for second in range(0, 600, 20):
        await build_queue.queue_changed_sites(session, client_ids=[harbor.id], quiet=QUIET,
                                              now=NOON + timedelta(seconds=second))
    [(_, _, due)] = await _queued(session)
    assert due == NOON + QUIET * build_queue.MAX_QUIET_PERIODS


async def test_a_build_already_due_stays_due_and_disabled_sites_are_left_alone(session: AsyncSession) -> None:
    harbor, parks = await make_client(session, slug="harbor"), await make_client(session, slug="parks")
    (await session.scalar(select(Site).where(Site.client_id == parks.id))).enabled = False
    await build_queue.queue_build(session, client_id=harbor.id, trigger=BuildTrigger.MANUAL)
    await build_queue.queue_changed_sites(session, client_ids=[harbor.id, parks.id], quiet=QUIET, now=NOON)
    assert await _queued(session) == [(harbor.id, BuildTrigger.MANUAL, None)]


async def test_no_quiet_period_queues_a_rebuild_due_at_once(session: AsyncSession) -> None:
    harbor = await make_client(session, slug="harbor")
    await build_queue.queue_changed_sites(session, client_ids=[harbor.id], quiet=timedelta(0), now=NOON)
    assert await _queued(session) == [(harbor.id, BuildTrigger.EVENT, None)]
