"""`rapport worker` as operators run it: real worker processes against one PostgreSQL database.

To hold builds mid-way on purpose, a test takes an exclusive lock on the projects table: every build reads it
(the snapshot) after claiming its row, so a claimed build waits there, RUNNING, until the test lets go.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.changes.models import OutboxEvent
from api.database import upgrade_database
from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings, get_settings
from api.sites import build_queue
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild
from rapport import commands
from rapport.cli import app
from tests.fixtures.auth import TEST_SECRET
from tests.fixtures.factories import make_client, make_project

STALLED_SECONDS = 2
WAIT_SECONDS = 60
FINISHED = {BuildState.PUBLISHED, BuildState.UNCHANGED, BuildState.FAILED}


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    @property
    def built(self) -> list[int]:
        return [int(found) for found in re.findall(r"^build (\d+) of ", self.output, re.MULTILINE)]


class Cluster:
    """Worker processes sharing one database and one publish folder."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder, self.workers = env, folder, []

    def start(self) -> Worker:
        log = self.folder / f"worker-{len(self.workers)}.log"
        with log.open("wb") as handle:
            process = subprocess.Popen([sys.executable, "-m", "rapport", "worker"], env=self.env,
                                       stdout=handle, stderr=subprocess.STDOUT)
        worker = Worker(process=process, log=log)
        self.workers.append(worker)
        return worker

    async def ready(self, worker: Worker) -> None:
        await _until(lambda: "is taking site builds" in worker.output or worker.process.poll() is not None)
        assert worker.process.poll() is None, worker.output

    def stop(self, worker: Worker) -> int:
        worker.process.send_signal(signal.SIGTERM)
        return worker.process.wait(timeout=30)

    def kill_all(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.kill()
                worker.process.wait()


async def _until(condition: Callable[[], object], seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    pytest.fail("timed out waiting for the workers")


@pytest.fixture
def database_url(fresh_postgres_database_url: str) -> str:
    upgrade_database(fresh_postgres_database_url)
    return fresh_postgres_database_url


@pytest.fixture
def cluster(database_url: str, tmp_path: Path) -> Iterator[Cluster]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RAPPORT_")}
    env.update({
        "RAPPORT_DATABASE_URL": database_url,
        "RAPPORT_BUILD_QUEUE": "procrastinate",
        "RAPPORT_DATA_DIR": str(tmp_path / "data"),
        "RAPPORT_PUBLISH_TARGET": (tmp_path / "sites").as_uri(),
        "RAPPORT_JWT_SECRET": TEST_SECRET,
        "RAPPORT_WORKER_STALLED_SECONDS": str(STALLED_SECONDS),
        "RAPPORT_BUILD_QUIET_SECONDS": "0",  # the rebuilds that changes queue run at once, as the tests expect
        "PYTHONUNBUFFERED": "1",
    })
    running = Cluster(env, tmp_path)
    try:
        yield running
    finally:
        running.kill_all()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


async def _clients(engine: AsyncEngine, *slugs: str) -> dict[str, int]:
    async with create_session_factory(engine)() as session:
        ids = {}
        for slug in slugs:
            client = await make_client(session, slug=slug, name=f"{slug.title()} Authority")
            for number in range(3):
                await make_project(session, client=client, name=f"{slug.title()} works {number}")
            ids[slug] = client.id
        await session.commit()
        # The reactions to setting up would queue a rebuild of each new client at a moment of their own; these
        # tests queue every build they watch themselves.
        await session.execute(update(OutboxEvent).values(dispatched_at=utcnow()))
        await session.commit()
    return ids


async def _queue(engine: AsyncEngine, client_id: int) -> int:
    async with create_session_factory(engine)() as session:
        # Forget the live build key, so that the build reads the client's data (and waits on a held lock) rather
        # than finding nothing changed.
        await session.execute(update(Site.__table__).where(Site.__table__.c.client_id == client_id)
                              .values(published_build_key=None))
        build = await build_queue.queue_build(session, client_id=client_id, trigger=BuildTrigger.MANUAL)
        await session.commit()
        return build.id


async def _builds(engine: AsyncEngine) -> list[SiteBuild]:
    async with create_session_factory(engine)() as session:
        return list(await session.scalars(select(SiteBuild).order_by(SiteBuild.id)))


async def _build(engine: AsyncEngine, build_id: int) -> SiteBuild:
    return next(build for build in await _builds(engine) if build.id == build_id)


async def _hold_projects(engine: AsyncEngine) -> AsyncConnection:
    connection = await engine.connect()
    await connection.begin()
    await connection.execute(text("LOCK TABLE projects IN ACCESS EXCLUSIVE MODE"))
    return connection


async def _job_exists(engine: AsyncEngine, build_id: int) -> bool:
    async with engine.connect() as connection:
        found = await connection.scalar(text(
            "SELECT count(*) FROM procrastinate_jobs WHERE (args->>'build_id')::int = :id"), {"id": build_id})
    return bool(found)


@pytest.mark.postgres
async def test_two_workers_build_every_client_and_never_two_builds_of_one_client_at_once(
    cluster: Cluster, engine: AsyncEngine,
) -> None:
    clients = await _clients(engine, "harbor", "meadow", "summit")
    async with create_session_factory(engine)() as session:  # summit's scheduled rebuild is due
        await session.execute(update(Site).where(Site.client_id == clients["summit"])
                              .values(next_build_at=utcnow() - timedelta(minutes=1)))
        await session.commit()
    first, second = cluster.start(), cluster.start()
    await cluster.ready(first)
    await cluster.ready(second)
    await _until(lambda: _scheduled_build_done(engine))

    held = await _hold_projects(engine)
    harbor = await _queue(engine, clients["harbor"])
    await _until(lambda: _state_is(engine, harbor, BuildState.RUNNING))
    # A second request while harbor's build runs: a worker is free, but the client's lock must keep it waiting.
    harbor_again = await _queue(engine, clients["harbor"])
    assert harbor_again != harbor
    await _until(lambda: _job_exists(engine, harbor_again))
    await asyncio.sleep(0.5)
    meadow = await _queue(engine, clients["meadow"])
    assert await _queue(engine, clients["meadow"]) == meadow  # a request while one is queued joins it
    await _until(lambda: _running(engine, 2))
    await held.rollback()
    await held.close()

    summit = await _queue(engine, clients["summit"])
    await _until(lambda: _state_is(engine, summit, BuildState.RUNNING, *FINISHED))
    for slug in ("harbor", "meadow", "summit"):  # more requests while builds are under way
        await _queue(engine, clients[slug])
    await _until(lambda: _all_finished(engine))

    builds = await _builds(engine)
    assert len(builds) >= 6
    assert {build.state for build in builds} <= {BuildState.PUBLISHED, BuildState.UNCHANGED}
    assert all(build.attempts == 1 for build in builds)
    scheduled = [build for build in builds if build.trigger is BuildTrigger.SCHEDULE]
    assert [build.client_id for build in scheduled] == [clients["summit"]]  # the workers ran the schedule
    for client_id in clients.values():
        own = sorted((b for b in builds if b.client_id == client_id), key=lambda b: b.started_at)
        for earlier, later in pairwise(own):
            assert earlier.finished_at <= later.started_at, f"builds {earlier.id} and {later.id} overlapped"
    assert first.built and second.built, (first.output, second.output)
    assert sorted(first.built + second.built) == [build.id for build in builds]  # each carried out once
    assert cluster.stop(first) == 0 and cluster.stop(second) == 0


@pytest.mark.postgres
async def test_a_failing_build_is_retried_with_backoff_then_failed_with_its_error(
    cluster: Cluster, engine: AsyncEngine, tmp_path: Path,
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the sites folder should be", encoding="utf-8")
    cluster.env["RAPPORT_PUBLISH_TARGET"] = blocked.as_uri()
    clients = await _clients(engine, "harbor")
    worker = cluster.start()
    await cluster.ready(worker)

    build_id = await _queue(engine, clients["harbor"])
    delays = []
    for attempt in range(1, 3):
        await _until(lambda attempt=attempt: _attempt_ended(engine, build_id, attempt))
        build = await _build(engine, build_id)
        assert build.state is BuildState.QUEUED and str(blocked) in (build.error or "")
        delays.append(build.retry_at - utcnow())
        await _make_due(engine, build_id)  # as if the delay had passed
    await _until(lambda: _state_is(engine, build_id, BuildState.FAILED))

    build = await _build(engine, build_id)
    assert build.attempts == 3 and str(blocked) in (build.error or "")
    assert timedelta(seconds=20) < delays[0] <= timedelta(seconds=30)
    assert timedelta(seconds=100) < delays[1] <= timedelta(minutes=2)
    async with engine.connect() as connection:  # the job scheduled for the original retry time was replaced
        waiting = await connection.scalar(text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"
                                               " AND task_name = 'rapport.build_site'"))
    assert waiting == 0
    assert cluster.stop(worker) == 0


@pytest.mark.postgres
async def test_a_build_cut_short_by_a_killed_worker_is_finished_by_another(
    cluster: Cluster, engine: AsyncEngine,
) -> None:
    clients = await _clients(engine, "harbor")
    doomed = cluster.start()
    await cluster.ready(doomed)
    held = await _hold_projects(engine)
    build_id = await _queue(engine, clients["harbor"])
    await _until(lambda: _state_is(engine, build_id, BuildState.RUNNING))

    survivor = cluster.start()
    await cluster.ready(survivor)
    await asyncio.sleep(STALLED_SECONDS * 2)
    running = await _build(engine, build_id)
    assert running.state is BuildState.RUNNING and running.attempts == 1  # a live worker's build is left alone

    doomed.process.send_signal(signal.SIGKILL)
    doomed.process.wait()
    await held.rollback()
    await held.close()
    await _until(lambda: _state_is(engine, build_id, BuildState.PUBLISHED))

    build = await _build(engine, build_id)
    assert build.attempts == 2
    assert survivor.built == [build_id] and doomed.built == []
    assert cluster.stop(survivor) == 0


async def _state_is(engine: AsyncEngine, build_id: int, *states: BuildState) -> bool:
    return (await _build(engine, build_id)).state in states


async def _scheduled_build_done(engine: AsyncEngine) -> bool:
    builds = await _builds(engine)
    return any(build.trigger is BuildTrigger.SCHEDULE for build in builds) and all(b.state in FINISHED for b in builds)


async def _running(engine: AsyncEngine, count: int) -> bool:
    return sum(build.state is BuildState.RUNNING for build in await _builds(engine)) >= count


async def _all_finished(engine: AsyncEngine) -> bool:
    return all(build.state in FINISHED for build in await _builds(engine))


async def _attempt_ended(engine: AsyncEngine, build_id: int, attempt: int) -> bool:
    build = await _build(engine, build_id)
    return build.attempts == attempt and build.state is not BuildState.RUNNING


async def _make_due(engine: AsyncEngine, build_id: int) -> None:
    async with create_session_factory(engine)() as session:
        await session.execute(update(SiteBuild).where(SiteBuild.id == build_id)
                              .values(retry_at=utcnow() - timedelta(seconds=1)))
        await session.commit()


@pytest.mark.parametrize(
    ("queue", "reason"),
    [
        ("embedded", "rapport worker needs RAPPORT_BUILD_QUEUE=procrastinate"),
        ("procrastinate", "RAPPORT_BUILD_QUEUE=procrastinate needs a PostgreSQL RAPPORT_DATABASE_URL"),
    ],
)
def test_the_worker_refuses_to_start_without_the_queue_on_postgresql(
    queue: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RAPPORT_DATABASE_URL", raising=False)
    monkeypatch.setenv("RAPPORT_BUILD_QUEUE", queue)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["worker"])
    finally:
        get_settings.cache_clear()
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and reason in lines[0]


@pytest.mark.parametrize(("queue", "in_process"), [("embedded", True), ("procrastinate", False)])
def test_serve_carries_out_builds_itself_only_with_the_embedded_queue(
    queue: str, in_process: bool, monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[object] = []
    monkeypatch.setattr(commands, "create_app", lambda _settings, *, background: started.extend(background))
    commands.api_app(Settings(mode="production", build_queue=queue, database_url="postgresql+asyncpg://db/rapport"))
    assert bool(started) is in_process


@pytest.mark.postgres
def test_db_upgrade_creates_the_queue_tables_only_for_the_procrastinate_queue(
    fresh_postgres_database_url: str, tmp_path: Path,
) -> None:
    url = fresh_postgres_database_url
    commands.upgrade(Settings(data_dir=tmp_path, database_url=url))
    assert not asyncio.run(_has_queue_tables(url))
    commands.upgrade(Settings(data_dir=tmp_path, database_url=url, build_queue="procrastinate"))
    assert asyncio.run(_has_queue_tables(url))


async def _has_queue_tables(url: str) -> bool:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return bool(await connection.scalar(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")))
    finally:
        await engine.dispose()
