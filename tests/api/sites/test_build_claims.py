"""Claiming one given build, and putting back one whose attempt was cut short (what queue workers rely on)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.kit.columns import utcnow
from api.sites import build_queue
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from tests.fixtures.factories import make_client


async def _queued(session: AsyncSession, slug: str) -> SiteBuild:
    client = await make_client(session, slug=slug)
    return await build_queue.queue_build(session, client_id=client.id, trigger=BuildTrigger.MANUAL)


async def test_a_queued_build_is_claimed_once(session: AsyncSession) -> None:
    build = await _queued(session, "harbor")

    claimed = await build_queue.claim_build(session, build_id=build.id)
    assert claimed is not None and claimed.state is BuildState.RUNNING
    assert claimed.attempts == 1 and claimed.started_at is not None
    assert await build_queue.claim_build(session, build_id=build.id) is None
    assert await build_queue.claim_build(session, build_id=987_654) is None


async def test_a_build_waiting_to_retry_is_not_claimed_before_its_time(session: AsyncSession) -> None:
    build = await _queued(session, "harbor")
    build.retry_at = utcnow() + timedelta(seconds=30)
    await session.flush()
    assert await build_queue.claim_build(session, build_id=build.id) is None

    build.retry_at = utcnow() - timedelta(seconds=1)
    await session.flush()
    assert await build_queue.claim_build(session, build_id=build.id) is not None


async def test_waiting_builds_are_listed_oldest_request_first(session: AsyncSession) -> None:
    first, second = await _queued(session, "harbor"), await _queued(session, "meadow")
    second.requested_at = first.requested_at - timedelta(minutes=1)
    running = await _queued(session, "summit")
    await build_queue.claim_build(session, build_id=running.id)
    await session.flush()

    assert [build.id for build in await build_queue.queued_builds(session)] == [second.id, first.id]


async def test_a_build_cut_short_goes_back_in_the_queue_until_its_attempts_are_used_up(session: AsyncSession) -> None:
    build = await _queued(session, "harbor")
    assert await build_queue.lock_running_build(session, build_id=build.id) is None  # queued, not running

    for attempt in range(1, build_queue.MAX_ATTEMPTS):
        await build_queue.claim_build(session, build_id=build.id)
        running = await build_queue.lock_running_build(session, build_id=build.id)
        assert running is not None and running.attempts == attempt
        build_queue.requeue_interrupted(running)
        await session.flush()
        assert running.state is BuildState.QUEUED and running.started_at is None

    await build_queue.claim_build(session, build_id=build.id)
    last = await build_queue.lock_running_build(session, build_id=build.id)
    assert last is not None
    build_queue.requeue_interrupted(last)
    assert last.state is BuildState.FAILED and last.finished_at is not None
    assert f"{build_queue.MAX_ATTEMPTS} times" in (last.error or "")


async def test_a_build_is_not_claimed_while_another_of_its_client_runs(session: AsyncSession) -> None:
    running = await _queued(session, "harbor")
    assert await build_queue.claim_build(session, build_id=running.id) is not None
    waiting = await build_queue.queue_build(session, client_id=running.client_id, trigger=BuildTrigger.MANUAL)
    assert await build_queue.claim_build(session, build_id=waiting.id) is None
    build_queue.finish_build(running, state=BuildState.PUBLISHED)
    await session.flush()
    assert (await build_queue.claim_build(session, build_id=waiting.id)).state is BuildState.RUNNING
