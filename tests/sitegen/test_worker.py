"""The build worker: failures are recorded, interrupted builds are retried, and building never stalls the server."""

from __future__ import annotations

import asyncio
import gc
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from api.database import upgrade_database
from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.sites import build_queue
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from sitegen import pool, worker
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client, make_project
from tests.sitegen import build_faults


async def _queued_build(url: str) -> int:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        for number in range(12):
            await make_project(session, client=client, name=f"Harbor works {number}")
        build = await build_queue.queue_build(session, client_id=client.id, trigger=BuildTrigger.MANUAL)
        await session.commit()
        build_id = build.id
    await engine.dispose()
    return build_id


async def _build(url: str, build_id: int) -> SiteBuild:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        build = await session.get(SiteBuild, build_id)
    await engine.dispose()
    return build


@pytest.fixture
def database(fresh_database_url: str) -> str:
    upgrade_database(fresh_database_url)
    return fresh_database_url


async def _run_next(url: str, settings: object) -> object:
    engine = create_engine(url)
    try:
        return await worker.run_next_build(create_session_factory(engine), settings=settings)
    finally:
        await engine.dispose()


def test_a_target_that_cannot_be_used_fails_the_attempt_instead_of_leaving_it_running(database: str, tmp_path: Path) -> None:
    build_id = asyncio.run(_queued_build(database))
    settings = settings_for(database, tmp_path, publish_target="ftp://example.invalid/sites")
    outcome = asyncio.run(_run_next(database, settings))
    build = asyncio.run(_build(database, build_id))
    assert outcome.state is BuildState.FAILED and build.state is BuildState.QUEUED  # not stuck running: retried later
    assert "ftp://example.invalid/sites" in (build.error or "") and build.retry_at is not None


def test_building_leaves_the_event_loop_free_for_other_requests(database: str, tmp_path: Path) -> None:
    build_id = asyncio.run(_queued_build(database))
    settings = settings_for(database, tmp_path)

    async def build_while_ticking() -> tuple[object, float, float]:
        loop = asyncio.get_running_loop()
        stamps = [loop.time()]
        done = asyncio.Event()

        async def tick() -> None:
            while not done.is_set():
                await asyncio.sleep(0.002)
                stamps.append(loop.time())

        ticker = asyncio.create_task(tick())
        outcome = await _run_next(database, settings)
        done.set()
        await ticker
        gaps = [later - earlier for earlier, later in pairwise(stamps)]
        return outcome, max(gaps), stamps[-1] - stamps[0]

    gc.collect()
    gc.disable()  # a collection pauses every thread alike; this test is about the build itself
    try:
        outcome, longest_gap, elapsed = asyncio.run(build_while_ticking())
    finally:
        gc.enable()
    assert outcome.state is BuildState.PUBLISHED
    assert asyncio.run(_build(database, build_id)).state is BuildState.PUBLISHED
    # A loop blocked by the build would stall for the whole MkDocs build; a free one only for GIL turns.
    assert longest_gap < elapsed / 4, (longest_gap, elapsed)


def test_a_build_whose_lease_ran_out_is_taken_back_by_the_next_claim(database: str) -> None:
    build_id = asyncio.run(_queued_build(database))

    async def crash_then_claim() -> None:
        engine = create_engine(database)
        sessions = create_session_factory(engine)
        async with sessions() as session:
            claimed = await build_queue.claim_next_build(session, lease=timedelta(seconds=60))
            await session.commit()
            assert claimed is not None and claimed.state is BuildState.RUNNING
            owner = claimed.lease_owner
        async with sessions() as session:  # its worker is gone, but the lease still holds the client
            assert await build_queue.claim_next_build(session) is None
            assert await build_queue.reclaim_abandoned_builds(session, now=utcnow() + timedelta(seconds=59)) == 0
            assert await build_queue.reclaim_abandoned_builds(session, now=utcnow() + timedelta(seconds=61)) == 1
            await session.commit()
            states = list(await session.scalars(select(SiteBuild.state)))
            assert states == [BuildState.QUEUED]
        async with sessions() as session:
            again = await build_queue.claim_next_build(session)
            await session.commit()
            assert again is not None and again.id == build_id and again.lease_owner != owner
            assert not await build_queue.renew_lease(session, build_id=build_id, owner=owner, lease=timedelta(60))
        await engine.dispose()

    asyncio.run(crash_then_claim())
    assert asyncio.run(_build(database, build_id)).attempts == 2


def test_a_failed_build_is_retried_with_growing_delays_then_marked_failed(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_id = asyncio.run(_queued_build(database))
    settings = settings_for(database, tmp_path)

    monkeypatch.setattr(pool, "render_and_build", build_faults.disk_full)
    delays = []
    for _attempt in range(build_queue.MAX_ATTEMPTS):
        before = utcnow()
        assert asyncio.run(_run_next(database, settings)).state is BuildState.FAILED
        build = asyncio.run(_build(database, build_id))
        if build.state is BuildState.QUEUED:
            delays.append(build.retry_at - before)
            assert asyncio.run(_run_next(database, settings)) is None  # not due yet
            asyncio.run(_make_due(database, build_id))
    build = asyncio.run(_build(database, build_id))
    assert build.state is BuildState.FAILED and build.attempts == build_queue.MAX_ATTEMPTS
    assert "disk full" in (build.error or "")
    assert len(delays) == build_queue.MAX_ATTEMPTS - 1 and delays[0] >= timedelta(seconds=29)
    assert delays[1] >= delays[0] * 3


async def _make_due(url: str, build_id: int) -> None:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        build = await session.get(SiteBuild, build_id)
        build.retry_at = utcnow() - timedelta(seconds=1)
        await session.commit()
    await engine.dispose()


def test_stopping_the_worker_mid_build_stops_it_and_leaves_the_build_to_be_queued_again(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The build process keeps writing into the build's work folder after the worker is told to stop; removing
    # that folder then fails, and that failure must not swallow the stop (a server stopping would wait forever).
    build_id = asyncio.run(_queued_build(database))
    settings = settings_for(database, tmp_path)
    monkeypatch.setattr(pool, "render_and_build", build_faults.still_writing)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    async def stop_mid_build() -> bool:
        engine = create_engine(database)
        try:
            running = asyncio.ensure_future(worker.run_build_worker(create_session_factory(engine), settings=settings))
            while not list(tmp_path.glob("*.started")):
                assert not running.done(), running
                await asyncio.sleep(0.02)
            running.cancel()
            done, _ = await asyncio.wait([running], timeout=30)
            return bool(done) and running.cancelled()
        finally:
            await engine.dispose()

    try:
        assert asyncio.run(stop_mid_build()), "the worker went on after it was cancelled"
    finally:
        pool.close_build_pool()
    build = asyncio.run(_build(database, build_id))
    assert build.state is BuildState.QUEUED and build.lease_owner is None  # handed back, not left to run out


def test_an_error_while_cleaning_up_after_a_stop_does_not_keep_the_worker_running(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As when closing the session fails because the cancellation broke its connection (seen on PostgreSQL).
    started = asyncio.Event()

    async def build_then_fail_to_clean_up(*_args: object, **_kwargs: object) -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        finally:
            raise RuntimeError("cannot call Transaction.rollback(): the underlying connection is closed")

    monkeypatch.setattr(worker, "run_next_build", build_then_fail_to_clean_up)

    async def stop_mid_build() -> bool:
        engine = create_engine(database)
        try:
            running = asyncio.ensure_future(worker.run_build_worker(create_session_factory(engine),
                                                                    settings=settings_for(database, tmp_path)))
            await started.wait()
            running.cancel()
            done, _ = await asyncio.wait([running], timeout=10)
            return bool(done) and running.cancelled()
        finally:
            await engine.dispose()

    assert asyncio.run(stop_mid_build()), "the worker went on after it was cancelled"


async def _claims_while_building(database: str, settings: object, *, take_over: bool) -> tuple[object, list[int]]:
    """Run the next build while a rival worker keeps claiming (and, with `take_over`, seizes the build at once)."""
    engine = create_engine(database)
    sessions = create_session_factory(engine)
    taken: list[int] = []

    async def rival() -> None:
        while True:
            await asyncio.sleep(0.2)
            async with sessions() as session:
                if take_over:  # as if the lease had run out: the rival takes the build back and claims it
                    await build_queue.reclaim_abandoned_builds(session, now=utcnow() + timedelta(hours=1))
                claimed = await build_queue.claim_next_build(session)
                await session.commit()
            if claimed is not None:
                taken.append(claimed.id)
                return

    try:
        rivalling = asyncio.create_task(rival())
        outcome = await worker.run_next_build(sessions, settings=settings)
        rivalling.cancel()
        await asyncio.gather(rivalling, return_exceptions=True)
        return outcome, taken
    finally:
        await engine.dispose()


def test_a_build_longer_than_its_lease_keeps_it_by_renewing(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_id = asyncio.run(_queued_build(database))
    settings = settings_for(database, tmp_path, build_lease_seconds=1.5)
    monkeypatch.setattr(pool, "render_and_build", build_faults.slow)
    try:
        outcome, taken = asyncio.run(_claims_while_building(database, settings, take_over=False))
    finally:
        pool.close_build_pool()
    build = asyncio.run(_build(database, build_id))
    assert outcome.state is BuildState.PUBLISHED and taken == []
    assert build.state is BuildState.PUBLISHED and build.attempts == 1


def test_an_attempt_that_lost_its_lease_publishes_and_records_nothing(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_id = asyncio.run(_queued_build(database))
    settings = settings_for(database, tmp_path)
    monkeypatch.setattr(pool, "render_and_build", build_faults.slow)
    try:
        outcome, taken = asyncio.run(_claims_while_building(database, settings, take_over=True))
    finally:
        pool.close_build_pool()
    build = asyncio.run(_build(database, build_id))
    assert outcome.taken_back and taken == [build_id]
    assert build.state is BuildState.RUNNING and build.attempts == 2  # the rival's attempt, untouched
    assert not (tmp_path / "sites").exists() or not any((tmp_path / "sites").iterdir())
