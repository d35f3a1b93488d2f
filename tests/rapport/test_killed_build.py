"""A `rapport sites build` killed mid-run holds its client only until its build lease runs out."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.sites import build_queue
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from sitegen import pool, worker
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client, make_project

LEASE_SECONDS = 3


async def _client_with_projects(url: str) -> int:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        for number in range(40):
            await make_project(session, client=client, name=f"Harbor works {number}")
        await session.commit()
        client_id = client.id
    await engine.dispose()
    return client_id


async def _builds(url: str) -> list[SiteBuild]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        builds = list(await session.scalars(select(SiteBuild).order_by(SiteBuild.id)))
    await engine.dispose()
    return builds


def _kill_once_running(command: list[str], env: dict[str, str], url: str) -> None:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not any(build.state is BuildState.RUNNING for build in asyncio.run(_builds(url))):
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "the build never started"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the CLI and its build processes, with no chance to clean up
        process.wait()


def test_a_killed_cli_build_is_taken_back_once_its_lease_runs_out(cli_env: dict[str, str], tmp_path: Path) -> None:
    url = cli_env["RAPPORT_DATABASE_URL"]
    client_id = asyncio.run(_client_with_projects(url))
    env = {**os.environ, **cli_env, "RAPPORT_BUILD_LEASE_SECONDS": str(LEASE_SECONDS)}
    _kill_once_running([sys.executable, "-m", "rapport", "sites", "build", "--all"], env, url)
    (killed,) = asyncio.run(_builds(url))
    assert killed.state is BuildState.RUNNING and killed.lease_expires_at is not None

    settings = settings_for(url, tmp_path, build_lease_seconds=LEASE_SECONDS)

    async def request_then_work() -> list[BuildState | None]:
        engine = create_engine(url)
        sessions = create_session_factory(engine)
        try:
            async with sessions() as session:
                await build_queue.queue_build(session, client_id=client_id, trigger=BuildTrigger.MANUAL)
                await session.commit()
            # While the lease holds, the killed build still has the client: no second build runs beside it.
            assert await worker.run_next_build(sessions, settings=settings) is None
            await asyncio.sleep(max(0.0, (killed.lease_expires_at - utcnow()).total_seconds()) + 0.2)
            outcomes = []
            while (outcome := await worker.run_next_build(sessions, settings=settings)) is not None:
                outcomes.append(outcome.state)
            return outcomes
        finally:
            await engine.dispose()

    try:
        outcomes = asyncio.run(request_then_work())
    finally:
        pool.close_build_pool()
    assert outcomes == [BuildState.PUBLISHED]
    abandoned, requested = asyncio.run(_builds(url))
    assert abandoned.state is BuildState.FAILED and "stopped answering" in (abandoned.error or "")
    assert requested.state is BuildState.PUBLISHED
