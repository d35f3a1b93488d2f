"""Report fields under a list of projects cost the same number of statements for 2 projects as for 10."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Principal
from api.reports.models import ReportState
from tests.api.reports.conftest import World, counted_statements, global_id, principal
from tests.fixtures.factories import make_client, make_project, make_status_report
from tests.fixtures.graphql import data_of

PROJECTS = """
query($clientId: ID) {
  projects(first: 50, clientId: $clientId) { edges { node {
    code
    latestReport { title project { code } }
    statusReports(first: 5) { totalCount edges { node {
      title amends { title } amendments(first: 5) { totalCount edges { node { title } } }
    } } }
  } } }
}"""


async def _client_with_projects(session: AsyncSession, count: int) -> tuple[int, dict[str, str]]:
    """A client with `count` projects, each with two published reports, an amendment and a draft."""
    client = await make_client(session)
    latest: dict[str, str] = {}
    for number in range(count):
        project = await make_project(session, client=client, code=f"{client.slug}-{number:02d}")
        january = await make_status_report(session, project=project, state=ReportState.PUBLISHED, title="Jan",
                                           period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
        await make_status_report(session, project=project, state=ReportState.PUBLISHED, title="Jan, corrected",
                                 period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), amends_id=january.id)
        await make_status_report(session, project=project, state=ReportState.PUBLISHED, title=f"Feb {number}",
                                 period_start=date(2026, 2, 1), period_end=date(2026, 2, 28))
        await make_status_report(session, project=project, title="Mar draft",
                                 period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
        latest[project.code] = f"Feb {number}"
    return client.id, latest


async def _run(session: AsyncSession, viewer: Principal | None, client_id: int, latest: dict[str, str]) -> int:
    viewer = viewer or principal(client_id, Role.CLIENT_CONTACT)
    with counted_statements(session) as statements:
        data = await data_of(session, viewer, PROJECTS, clientId=global_id("Client", client_id))
    nodes = [edge["node"] for edge in data["projects"]["edges"]]
    assert {node["code"]: node["latestReport"]["title"] for node in nodes} == latest
    assert all(node["latestReport"]["project"]["code"] == node["code"] for node in nodes)
    for node in nodes:
        reports = {edge["node"]["title"]: edge["node"] for edge in node["statusReports"]["edges"]}
        assert node["statusReports"]["totalCount"] == len(reports) == (4 if viewer.is_pmo_staff else 3)
        assert [edge["node"]["title"] for edge in reports["Jan"]["amendments"]["edges"]] == ["Jan, corrected"]
        assert reports["Jan, corrected"]["amends"] == {"title": "Jan"}
    return len(statements)


@pytest.mark.parametrize("as_staff", [True, False])
async def test_statement_count_does_not_grow_with_the_number_of_projects(
    session: AsyncSession, world: World, as_staff: bool
) -> None:
    few_id, few_latest = await _client_with_projects(session, 2)
    many_id, many_latest = await _client_with_projects(session, 10)
    viewer = world.staff if as_staff else None
    few = await _run(session, viewer, few_id, few_latest)
    many = await _run(session, viewer, many_id, many_latest)
    assert few == many
