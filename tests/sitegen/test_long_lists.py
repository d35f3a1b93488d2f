"""A client with long lists gets a whole site: three years of weekly reports, 300 milestones, 120 risks, more done
action items and assignments than one page of the API holds. Each list is paged through, never cut short."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api.cx.action_items.models import ActionItemStatus
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import OrganizationKind
from api.projects.models import Visibility
from api.reports.models import ReportCadence, ReportState
from api.sites.models import BuildState
from sitegen import foreground, pipeline
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import (
    assign,
    make_action_item,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_status_report,
)

WEEKLY_REPORTS, MILESTONES, RISKS, DONE_ITEMS, ASSIGNMENTS = 156, 300, 120, 110, 60


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            client = await make_client(session, slug="harbor", name="Harbor Authority")
            project = await make_project(session, client=client, code="HB-1", name="Port Modernisation")
            first_monday = date(2024, 1, 1)
            for week in range(WEEKLY_REPORTS):
                start = first_monday + timedelta(weeks=week)
                await make_status_report(session, project=project, state=ReportState.PUBLISHED,
                                         cadence=ReportCadence.WEEKLY, period_start=start,
                                         period_end=start + timedelta(days=6), title=f"Week report W{week:03d}",
                                         published_at=datetime.combine(start + timedelta(days=7), datetime.min.time(),
                                                                       tzinfo=UTC))
            for number in range(MILESTONES):
                day = date(2024, 1, 15) + timedelta(days=3 * number)
                await make_milestone(session, project=project, name=f"Milestone M{number:03d}", baseline_date=day,
                                     forecast_date=day)
            for number in range(RISKS):
                await make_risk(session, project=project, visibility=Visibility.CLIENT, title=f"Risk R{number:03d}")
            for number in range(DONE_ITEMS):
                await make_action_item(session, client=client, title=f"Action A{number:03d}",
                                       status=ActionItemStatus.DONE, we_did=f"Did A{number:03d}.",
                                       completed_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=number))
            for number in range(ASSIGNMENTS):
                partner = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR,
                                                  name=f"Partner P{number:03d}")
                await assign(session, project=project, organization=partner, role=f"Survey crew C{number:03d}")
            await session.commit()
    finally:
        await engine.dispose()


async def _build(url: str, folder: Path) -> list[pipeline.BuildOutcome]:
    engine = create_engine(url)
    try:
        return await foreground.build_sites(create_session_factory(engine), settings=settings_for(url, folder))
    finally:
        await engine.dispose()


@pytest.fixture
def database(fresh_database_url: str) -> str:
    upgrade_database(fresh_database_url)
    asyncio.run(_seed(fresh_database_url))
    return fresh_database_url


def test_every_item_of_every_long_list_reaches_the_site(database: str, tmp_path: Path) -> None:
    [outcome] = asyncio.run(_build(database, tmp_path))
    assert outcome.state is BuildState.PUBLISHED, outcome.error
    site = tmp_path / "sites" / outcome.site_path
    reports = sorted((site / "reports").glob("hb-1-*.html"))
    assert len(reports) == WEEKLY_REPORTS
    project = (site / "projects" / "hb-1.html").read_text(encoding="utf-8")
    for number in range(MILESTONES):
        assert f"Milestone M{number:03d}" in project
    for number in range(RISKS):
        assert f"Risk R{number:03d}" in project
    for week in range(WEEKLY_REPORTS):
        assert f"Week report W{week:03d}" in project
    contacts = (site / "contacts.html").read_text(encoding="utf-8")
    for number in range(ASSIGNMENTS):
        assert f"Survey crew C{number:03d}" in contacts
    actions = (site / "you-said-we-did.html").read_text(encoding="utf-8")
    for number in range(DONE_ITEMS):
        assert f"Action A{number:03d}" in actions
