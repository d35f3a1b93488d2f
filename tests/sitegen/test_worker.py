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
from api.sites import service as site_service
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
        build = await site_service.queue_build(session, client_id=client.id, trigger=BuildTrigger.MANUAL)
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


def test_builds_interrupted_by_a_crash_are_queued_again_when_a_worker_starts(database: str) -> None:
    build_id = asyncio.run(_queued_build(database))

    async def crash_then_restart() -> None:
        engine = create_engine(database)
        sessions = create_session_factory(engine)
        async with sessions() as session:
            claimed = await site_service.claim_next_build(session)
            await session.commit()
            assert claimed is not None and claimed.state is BuildState.RUNNING
        async with sessions() as session:
            requeued = await site_service.requeue_interrupted_builds(session, started_before=utcnow() + timedelta(seconds=1))
            await session.commit()
            assert requeued == 1
            states = list(await session.scalars(select(SiteBuild.state)))
            assert states == [BuildState.QUEUED]
        await engine.dispose()

    asyncio.run(crash_then_restart())
    assert asyncio.run(_build(database, build_id)).started_at is None


def test_a_failed_build_is_retried_with_growing_delays_then_marked_failed(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_id = asyncio.run(_queued_build(database))
    settings = settings_for(database, tmp_path)

    monkeypatch.setattr(pool, "render_and_build", build_faults.disk_full)
    delays = []
    for _attempt in range(site_service.MAX_ATTEMPTS):
        before = utcnow()
        assert asyncio.run(_run_next(database, settings)).state is BuildState.FAILED
        build = asyncio.run(_build(database, build_id))
        if build.state is BuildState.QUEUED:
            delays.append(build.retry_at - before)
            assert asyncio.run(_run_next(database, settings)) is None  # not due yet
            asyncio.run(_make_due(database, build_id))
    build = asyncio.run(_build(database, build_id))
    assert build.state is BuildState.FAILED and build.attempts == site_service.MAX_ATTEMPTS
    assert "disk full" in (build.error or "")
    assert len(delays) == site_service.MAX_ATTEMPTS - 1 and delays[0] >= timedelta(seconds=29)
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
    assert asyncio.run(_build(database, build_id)).state in {BuildState.RUNNING, BuildState.QUEUED}


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
