"""Building and publishing client sites end to end into a local folder."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from api.changes.models import OutboxEvent
from api.cx.models import Touchpoint
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import Project
from api.sites import service as site_service
from api.sites.models import BuildState, Site, SiteBuild
from sitegen import foreground, pipeline, pool
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client, make_project
from tests.sitegen import build_faults


async def _seed(url: str) -> None:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        harbor = await make_client(session, slug="harbor", name="Harbor Authority")
        parks = await make_client(session, slug="parks", name="Parks Department")
        await make_project(session, client=harbor, code="HB-1", name="Dredging Permits Portal")
        await make_project(session, client=harbor, code="HB-2", name="Berth Scheduling")
        await make_project(session, client=parks, code="PK-1", name="Trail Sensor Network")
        await session.commit()
    await engine.dispose()


async def _run(url: str, folder: Path, **kwargs: object) -> list[pipeline.BuildOutcome]:
    engine = create_engine(url)
    try:
        return await foreground.build_sites(create_session_factory(engine), settings=settings_for(url, folder), **kwargs)
    finally:
        await engine.dispose()


async def _builds(url: str) -> list[SiteBuild]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        rows = list(await session.scalars(select(SiteBuild).order_by(SiteBuild.id)))
    await engine.dispose()
    return rows


async def _events(url: str, kind: str) -> list[OutboxEvent]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        rows = list(await session.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind)))
    await engine.dispose()
    return rows


async def _rename_project(url: str, code: str, name: str) -> None:
    # Through a session, as Rapport writes: its flush moves the client's data version (api.changes.tracking).
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        project = await session.scalar(select(Project).where(Project.code == code))
        project.name = name
        await session.commit()
    await engine.dispose()


@pytest.fixture
def database(fresh_database_url: str) -> str:
    upgrade_database(fresh_database_url)
    asyncio.run(_seed(fresh_database_url))
    return fresh_database_url


def _home(folder: Path, outcome: pipeline.BuildOutcome) -> str:
    return (folder / "sites" / outcome.site_path / "index.html").read_text(encoding="utf-8")


def test_every_client_gets_its_own_site_with_only_its_projects(database: str, tmp_path: Path) -> None:
    outcomes = {o.slug: o for o in asyncio.run(_run(database, tmp_path))}
    assert {slug: o.state for slug, o in outcomes.items()} == {"harbor": BuildState.PUBLISHED, "parks": BuildState.PUBLISHED}

    harbor = _home(tmp_path, outcomes["harbor"])
    assert "Dredging Permits Portal" in harbor and "Berth Scheduling" in harbor
    assert "Trail Sensor Network" not in harbor and "Parks Department" not in harbor
    parks = _home(tmp_path, outcomes["parks"])
    assert "Trail Sensor Network" in parks and "Harbor Authority" not in parks
    assert outcomes["harbor"].site_path.startswith("harbor-") and outcomes["harbor"].files > 0


def test_an_unchanged_client_publishes_nothing_and_a_change_republishes(database: str, tmp_path: Path) -> None:
    asyncio.run(_run(database, tmp_path))
    again = {o.slug: o.state for o in asyncio.run(_run(database, tmp_path))}
    assert again == {"harbor": BuildState.UNCHANGED, "parks": BuildState.UNCHANGED}

    asyncio.run(_rename_project(database, "HB-2", "Berth Scheduling and Tariffs"))
    after_change = {o.slug: o for o in asyncio.run(_run(database, tmp_path))}
    assert after_change["harbor"].state is BuildState.PUBLISHED
    assert after_change["parks"].state is BuildState.UNCHANGED
    assert "Berth Scheduling and Tariffs" in _home(tmp_path, after_change["harbor"])

    states = [build.state for build in asyncio.run(_builds(database))]
    assert states.count(BuildState.PUBLISHED) == 3 and states.count(BuildState.UNCHANGED) == 3
    # Each publish records SitePublished (webhooks send it as site.published); a build that changed nothing none.
    published = {build.id for build in asyncio.run(_builds(database)) if build.state is BuildState.PUBLISHED}
    assert sorted(event.payload["build_id"] for event in asyncio.run(_events(database, "SitePublished"))) == sorted(
        published)


def test_a_failed_build_records_the_error_and_keeps_the_previous_site(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (first,) = asyncio.run(_run(database, tmp_path, slugs=["harbor"]))
    before = _home(tmp_path, first)
    asyncio.run(_rename_project(database, "HB-1", "Renamed Project"))

    monkeypatch.setattr(pool, "render_and_build", build_faults.disk_full)
    (failed,) = asyncio.run(_run(database, tmp_path, slugs=["harbor"]))

    assert failed.state is BuildState.FAILED and "disk full" in (failed.error or "")
    assert _home(tmp_path, failed) == before
    last = asyncio.run(_builds(database))[-1]
    assert last.state is BuildState.FAILED and "disk full" in (last.error or "") and last.finished_at is not None

    monkeypatch.undo()
    (retried,) = asyncio.run(_run(database, tmp_path, slugs=["harbor"]))
    assert retried.state is BuildState.PUBLISHED and "Renamed Project" in _home(tmp_path, retried)


def test_a_change_to_the_generator_or_theme_rebuilds_sites_whose_data_did_not_change(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_run(database, tmp_path))
    monkeypatch.setattr(pipeline, "generator_fingerprint", lambda: "a newer Rapport")
    states = {o.slug: o.state for o in asyncio.run(_run(database, tmp_path))}
    assert states == {"harbor": BuildState.PUBLISHED, "parks": BuildState.PUBLISHED}


def test_the_generator_fingerprint_follows_the_files_that_shape_a_site() -> None:
    fingerprint = pipeline.generator_fingerprint()
    assert fingerprint == pipeline.generator_fingerprint() and len(fingerprint) == 64
    sources = pipeline.generator_sources()
    names = {path.name for path in sources}
    assert {"snapshot.graphql", "render.py", "charts.py", "base.html", "portal.css"} <= names


def test_a_client_whose_build_key_is_live_is_not_even_read_until_its_data_changes(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(_run(database, tmp_path))
    read: list[str] = []
    take_snapshot = pipeline.fetch_snapshot

    async def counted(session, *, settings, client_id, slug):  # noqa: ANN001, ANN202
        read.append(slug)
        return await take_snapshot(session, settings=settings, client_id=client_id, slug=slug)

    monkeypatch.setattr(pipeline, "fetch_snapshot", counted)
    again = {o.slug: o.state for o in asyncio.run(_run(database, tmp_path))}
    assert again == {"harbor": BuildState.UNCHANGED, "parks": BuildState.UNCHANGED} and read == []

    asyncio.run(_rename_project(database, "HB-2", "Berth Scheduling and Tariffs"))
    after_change = {o.slug: o.state for o in asyncio.run(_run(database, tmp_path))}
    assert after_change == {"harbor": BuildState.PUBLISHED, "parks": BuildState.UNCHANGED} and read == ["harbor"]
    forced = {o.slug: o.state for o in asyncio.run(_run(database, tmp_path, force=True))}
    assert forced == {"harbor": BuildState.PUBLISHED, "parks": BuildState.PUBLISHED}
    assert sorted(read) == ["harbor", "harbor", "parks"]


def test_the_build_key_moves_with_the_data_version_the_settings_the_target_and_the_local_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = Organization(id=1, slug="harbor", name="Harbor", kind=OrganizationKind.CLIENT)
    site = Site(client_id=1, site_key="k" * 32, time_zone="Pacific/Auckland", accent_color="#1f5f8b")
    entry = site_service.ClientSite(client=client, site=site)
    options = pipeline.site_options(entry, {})
    key = pipeline.build_key(entry, options, target="file:///sites", version=7)
    assert key == pipeline.build_key(entry, options, target="file:///sites", version=7)
    assert key != pipeline.build_key(entry, options, target="file:///sites", version=8)
    assert key != pipeline.build_key(entry, options, target="s3://bucket/sites", version=7)
    assert key != pipeline.build_key(entry, pipeline.site_options(entry, {Touchpoint.GENERAL: "https://x/s/1"}),
                                     target="file:///sites", version=7)

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return datetime.now(tz) + timedelta(days=1)

    monkeypatch.setattr(pipeline, "datetime", Tomorrow)
    assert key != pipeline.build_key(entry, options, target="file:///sites", version=7)
