"""`rapport sites build` queues each build and carries it out as a worker would, waiting its turn behind a build
of the same client that another process runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.sites import build_queue
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from sitegen import foreground
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client, make_project


async def _scenario(url: str, folder: Path) -> tuple[list[BuildState], list[tuple[BuildTrigger, BuildState, str]]]:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session:
            client = await make_client(session, slug="harbor")
            await make_project(session, client=client, code="HB-1")
            elsewhere = await build_queue.queue_build(session, client_id=client.id, trigger=BuildTrigger.SCHEDULE)
            await build_queue.claim_build(session, build_id=elsewhere.id)  # another process's build runs
            await session.commit()
        settings = settings_for(url, folder)
        cli = asyncio.create_task(foreground.build_sites(sessions, settings=settings))
        await asyncio.sleep(foreground.WAIT_SECONDS * 3)
        assert not cli.done()  # waiting its turn
        async with sessions() as session:
            build = await session.get(SiteBuild, elsewhere.id)
            build_queue.finish_build(build, state=BuildState.FAILED, error="it stopped")
            await session.commit()
        outcomes = await asyncio.wait_for(cli, 120)
        async with sessions() as session:
            rows = await session.scalars(select(SiteBuild).order_by(SiteBuild.id))
            builds = [(row.trigger, row.state, row.reason) for row in rows]
        return [outcome.state for outcome in outcomes], builds
    finally:
        await engine.dispose()


def test_a_build_waits_for_the_clients_running_build_then_runs_as_a_worker_would(fresh_database_url: str,
                                                                                 tmp_path: Path) -> None:
    upgrade_database(fresh_database_url)
    states, builds = asyncio.run(_scenario(fresh_database_url, tmp_path))
    assert states == [BuildState.PUBLISHED]
    assert builds == [(BuildTrigger.SCHEDULE, BuildState.FAILED, ""),
                      (BuildTrigger.MANUAL, BuildState.PUBLISHED, "rapport sites build")]


async def _twice(url: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[BuildState, int, str]]:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session:
            for slug in ("harbor", "parks"):
                await make_project(session, client=await make_client(session, slug=slug), code=f"{slug}-1")
            await session.commit()
        settings = settings_for(url, folder)
        await foreground.build_sites(sessions, settings=settings)

        def no_publishing(*_: object) -> None:
            raise AssertionError("nothing should be published")

        monkeypatch.setattr(foreground, "publisher_for", no_publishing)
        seen: list[str] = []
        outcomes = await foreground.build_sites(sessions, settings=settings, on_done=lambda o: seen.append(o.slug))
        assert seen == ["harbor", "parks"] and {o.state for o in outcomes} == {BuildState.UNCHANGED}
        async with sessions() as session:
            rows = await session.scalars(select(SiteBuild).order_by(SiteBuild.id))
            return [(row.state, row.attempts, row.reason) for row in rows]
    finally:
        await engine.dispose()


def test_a_run_with_nothing_changed_records_every_site_unchanged_without_building(
        fresh_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upgrade_database(fresh_database_url)
    builds = asyncio.run(_twice(fresh_database_url, tmp_path, monkeypatch))
    assert builds == [(BuildState.PUBLISHED, 1, "rapport sites build")] * 2 + [
        (BuildState.UNCHANGED, 1, "rapport sites build")] * 2
