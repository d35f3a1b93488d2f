"""Build processes: the same bytes wherever a site is built, a dead process fails only its build, builds run at once."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, update

from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.projects.models import Project
from api.sites.models import BuildState, SiteBuild
from sitegen import foreground, pipeline, pool
from sitegen.build import build_mkdocs_site
from sitegen.render import SiteOptions, render_site_project
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client, make_project
from tests.sitegen import build_faults
from tests.sitegen.snapshots import transit_snapshot

EPOCH = 1767225600
OPTIONS = SiteOptions(brand_name="Northwind PMO", accent_color="#1f5f8b", logo_url=None,
                      feedback_links={"KICKOFF": "https://api.example/s/kickoff"})
CLIENTS = {"alpha": "Alpha Agency", "bravo": "Bravo Bureau", "harbor": "Harbor Authority", "parks": "Parks Department"}


def _hashes(site_dir: Path) -> dict[str, str]:
    return {path.relative_to(site_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in site_dir.rglob("*") if path.is_file()}


def test_the_same_snapshot_gives_the_same_bytes_in_two_build_processes_and_in_this_one(tmp_path: Path) -> None:
    # Two processes of their own, and this process, which hashes strings with another seed than theirs.
    first, second = pool.BuildPool(1), pool.BuildPool(1)
    try:
        async def build_in(build_pool: pool.BuildPool, name: str) -> Path:
            (tmp_path / name).mkdir()
            return await build_pool.build(transit_snapshot(), options=OPTIONS, work_dir=tmp_path / name,
                                          build_epoch=EPOCH)

        async def build_in_both() -> list[Path]:
            return list(await asyncio.gather(build_in(first, "first"), build_in(second, "second")))

        sites = asyncio.run(build_in_both())
    finally:
        first.close()
        second.close()
    render_site_project(transit_snapshot(), project_dir=tmp_path / "here" / "project", options=OPTIONS,
                        build_epoch=EPOCH)
    build_mkdocs_site(project_dir=tmp_path / "here" / "project", site_dir=tmp_path / "here" / "site", build_epoch=EPOCH)

    hashes = [_hashes(site) for site in sites]
    assert sites == [tmp_path / "first" / "site", tmp_path / "second" / "site"]
    assert {"index.html", "sitemap.xml", "sitemap.xml.gz", "assets/stylesheets/portal.css"} <= set(hashes[0])
    assert hashes[0] == hashes[1] == _hashes(tmp_path / "here" / "site")


def test_the_process_pool_follows_the_setting_and_starts_afresh_after_it_is_closed(tmp_path: Path) -> None:
    one, two = (settings_for("sqlite+aiosqlite://", tmp_path, build_processes=n) for n in (1, 2))
    first = pool.build_pool(one)
    try:
        assert pool.build_pool(one) is first and first.processes == 1
        second = pool.build_pool(two)
        assert second is not first and second.processes == 2
        with pytest.raises(RuntimeError, match="shutdown"):  # the replaced pool takes no new builds
            asyncio.run(first.build(transit_snapshot(), options=OPTIONS, work_dir=tmp_path, build_epoch=EPOCH))
        pool.close_build_pool()
        assert pool.build_pool(two) is not second
    finally:
        pool.close_build_pool()


async def _seed(url: str) -> None:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        for slug, name in CLIENTS.items():
            client = await make_client(session, slug=slug, name=name)
            await make_project(session, client=client, code=f"{slug.upper()}-1", name=f"{name} works")
        await session.commit()
    await engine.dispose()


@pytest.fixture
def database(fresh_database_url: str) -> str:
    upgrade_database(fresh_database_url)
    asyncio.run(_seed(fresh_database_url))
    return fresh_database_url


async def _run(url: str, folder: Path, **kwargs: object) -> list[pipeline.BuildOutcome]:
    engine = create_engine(url)
    try:
        settings = settings_for(url, folder, build_processes=2)
        return await foreground.build_sites(create_session_factory(engine), settings=settings, **kwargs)
    finally:
        await engine.dispose()


async def _rename_projects(url: str, suffix: str) -> None:
    # Through a session, as Rapport writes: the change moves the clients' data versions (api.changes.tracking).
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        await session.execute(update(Project).values(name=Project.name + suffix))
        await session.commit()
    await engine.dispose()


async def _last_build_states(url: str) -> dict[int, tuple[BuildState, str | None]]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        builds = list(await session.scalars(select(SiteBuild).order_by(SiteBuild.id)))
    await engine.dispose()
    return {build.client_id: (build.state, build.error) for build in builds}


def _home(folder: Path, outcome: pipeline.BuildOutcome) -> str:
    return (folder / "sites" / outcome.site_path / "index.html").read_text(encoding="utf-8")


def test_a_build_process_that_dies_fails_only_its_build_and_the_next_build_gets_a_new_process(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {o.slug: _home(tmp_path, o) for o in asyncio.run(_run(database, tmp_path))}
    asyncio.run(_rename_projects(database, " (phase 2)"))

    monkeypatch.setattr(pool, "render_and_build", build_faults.crash_building_harbor)
    outcomes = {o.slug: o for o in asyncio.run(_run(database, tmp_path))}

    assert outcomes["harbor"].state is BuildState.FAILED
    assert "build process stopped" in (outcomes["harbor"].error or "")
    assert _home(tmp_path, outcomes["harbor"]) == before["harbor"]
    for slug in ("alpha", "bravo", "parks"):
        assert outcomes[slug].state is BuildState.PUBLISHED, outcomes[slug]
        assert f"{CLIENTS[slug]} works (phase 2)" in _home(tmp_path, outcomes[slug])
    failed = [record for record in asyncio.run(_last_build_states(database)).values()
              if record[0] is BuildState.FAILED]
    assert len(failed) == 1 and "BuildProcessError" in (failed[0][1] or "")

    monkeypatch.undo()
    (retried,) = asyncio.run(_run(database, tmp_path, slugs=["harbor"]))
    assert retried.state is BuildState.PUBLISHED
    assert "Harbor Authority works (phase 2)" in _home(tmp_path, retried)


def test_several_clients_build_at_once_and_outcomes_and_progress_keep_client_order(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running, peak, finished = 0, 0, []
    build = pool.BuildPool.build

    async def observed(self: pool.BuildPool, snapshot: dict, **kwargs: object) -> Path:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            site_dir = await build(self, snapshot, **kwargs)
            if snapshot["client"]["slug"] == "alpha":  # the first client's build ends last
                async with asyncio.timeout(60):
                    while len(finished) < len(CLIENTS) - 1:
                        await asyncio.sleep(0.01)
            finished.append(snapshot["client"]["slug"])
            return site_dir
        finally:
            running -= 1

    monkeypatch.setattr(pool.BuildPool, "build", observed)
    progress: list[str] = []
    outcomes = asyncio.run(_run(database, tmp_path, on_done=lambda outcome: progress.append(outcome.slug)))

    assert peak == 2
    assert finished[-1] == "alpha"
    assert [o.slug for o in outcomes] == progress == sorted(CLIENTS)
    assert {o.state for o in outcomes} == {BuildState.PUBLISHED}
