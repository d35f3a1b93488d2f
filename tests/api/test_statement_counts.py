"""The client dashboard query runs as many SQL statements for 50 projects as for 2: shape, not rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Grant, Principal
from api.cx.models import Touchpoint
from api.organizations.models import OrganizationKind
from api.reports.models import ReportState
from tests.fixtures.factories import (
    make_client,
    make_feedback,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_status_report,
)
from tests.fixtures.graphql import counted_statements, data_of

DASHBOARD = """
query Dashboard($slug: String!) {
  client(slug: $slug) {
    name
    site { url }
    cxSummary { sampleSize csatPercent nps cesMean trend(granularity: MONTH) { sampleSize } topPainPoints { tag count } }
    projects(first: 100) {
      totalCount
      edges { node {
        code name status percentComplete health { overall schedule cost scope quality }
        financials { budgetAtCompletion { amount currency } }
        nextMilestone { name forecastDate }
        milestones(first: 20) { totalCount edges { node { name status forecastDate percentComplete } } }
        latestReport { title publishedAt health { overall } }
        risks(first: 10) { edges { node { title severity status } } }
      } }
    }
  }
}"""


async def _client_with(session: AsyncSession, slug: str, projects: int, milestones: int) -> int:
    client = await make_client(session, slug=slug)
    start = date(2026, 1, 5)
    for number in range(projects):
        project = await make_project(session, client=client, code=f"{slug[:3].upper()}-{number:03d}")
        for index in range(milestones):
            await make_milestone(session, project=project, name=f"Milestone {index}",
                                 baseline_date=start + timedelta(days=14 * index),
                                 forecast_date=start + timedelta(days=14 * index + 3))
        await make_status_report(session, project=project, state=ReportState.PUBLISHED)
        await make_risk(session, project=project)
    for score in range(1, 6):
        await make_feedback(session, client=client, csat=score, nps=score * 2, touchpoint=Touchpoint.STATUS_REPORT)
    return client.id


@pytest.mark.parametrize("role", [Role.CLIENT_EXECUTIVE, Role.PMO_STAFF])
async def test_the_dashboard_costs_the_same_statements_for_2_and_50_projects(session: AsyncSession, role: Role) -> None:
    small = await _client_with(session, "small-agency", projects=2, milestones=20)
    large = await _client_with(session, "large-agency", projects=50, milestones=20)
    pmo = await make_organization(session, kind=OrganizationKind.PMO)

    counts = {}
    for slug, client_id in (("small-agency", small), ("large-agency", large)):
        principal = Principal(grants=(Grant(organization_id=pmo.id if role is Role.PMO_STAFF else client_id, role=role),))
        with counted_statements(session) as seen:
            data = await data_of(session, principal, DASHBOARD, slug=slug)
        projects = data["client"]["projects"]["edges"]
        assert len(projects) == (2 if slug == "small-agency" else 50)
        assert all(len(p["node"]["milestones"]["edges"]) == 20 and p["node"]["latestReport"] for p in projects)
        counts[slug] = len(seen)

    assert counts["small-agency"] == counts["large-agency"], counts
    assert counts["large-agency"] <= 15, counts


EXECUTIVE = """
query Executive($slug: String!) {
  client(slug: $slug) {
    portfolio { totals { projects schedulePerformanceIndex costPerformanceIndex } healthCounts { health count } }
    projects(first: 100) { edges { node {
      code
      nextMilestone { name slipDays }
      earnedValue { schedulePerformanceIndex costPerformanceIndex estimateAtCompletion { amount }
                    milestones { milestone { name } percentEarned } }
      earnedValueTrend { asOf percentEarned milestones { milestone { name } percentPlanned } }
    } } }
  }
}"""


async def test_the_executive_summary_and_its_curves_cost_the_same_statements_for_2_and_50_projects(
        session: AsyncSession) -> None:
    small = await _client_with(session, "small-agency", projects=2, milestones=3)
    large = await _client_with(session, "large-agency", projects=50, milestones=20)
    counts = {}
    for slug, client_id in (("small-agency", small), ("large-agency", large)):
        principal = Principal(grants=(Grant(organization_id=client_id, role=Role.CLIENT_EXECUTIVE),))
        with counted_statements(session) as seen:
            data = await data_of(session, principal, EXECUTIVE, slug=slug)
        projects = data["client"]["projects"]["edges"]
        assert all(p["node"]["earnedValue"]["milestones"] and p["node"]["earnedValueTrend"] for p in projects)
        counts[slug] = len(seen)
    assert counts["small-agency"] == counts["large-agency"], counts
