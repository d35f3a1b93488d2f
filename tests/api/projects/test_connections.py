"""Milestones, risks and assignments as nested connections: keyset pages, filters, and a flat query count."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Principal
from api.organizations.models import Organization
from api.projects.models import MilestoneKind, MilestoneStatus, RiskStatus, Visibility
from tests.api.projects.conftest import World, counted_statements, global_id, principal
from tests.fixtures.factories import (
    make_client,
    make_milestone,
    make_project,
    make_risk,
)
from tests.fixtures.graphql import data_of

PAGE = """
query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { project(id: $id) {
  milestones(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name } }
  }
} }"""
EVERYTHING = """
query($clientId: ID) { projects(first: 50, clientId: $clientId) { edges { node {
  code financials { percentSpent } manager { name email } nextMilestone { name project { code } }
  milestones(first: 2) { totalCount edges { node { name plannedValue { amount } project { code } } } }
  risks(first: 2) { totalCount edges { node { title project { code } } } }
  assignments(first: 5) { totalCount edges { node { role person { name } organization { name } } } }
} } } }"""


async def _names(session: AsyncSession, viewer: Principal, project_id: int, **arguments: object) -> dict:
    data = await data_of(session, viewer, PAGE, id=global_id("Project", project_id), **arguments)
    return data["project"]["milestones"]


async def test_milestones_page_forward_and_back_by_forecast_date(session: AsyncSession, world: World) -> None:
    first = await _names(session, world.staff, world.a1.id, first=2)
    assert [edge["node"]["name"] for edge in first["edges"]] == ["Kickoff", "Design document"]
    assert first["totalCount"] == 4 and first["pageInfo"]["hasNextPage"] is True
    second = await _names(session, world.staff, world.a1.id, first=2, after=first["pageInfo"]["endCursor"])
    assert [edge["node"]["name"] for edge in second["edges"]] == ["Build", "Launch"]
    assert second["pageInfo"]["hasNextPage"] is False and second["pageInfo"]["hasPreviousPage"] is True
    tail = await _names(session, world.staff, world.a1.id, last=3)
    assert [edge["node"]["name"] for edge in tail["edges"]] == ["Design document", "Build", "Launch"]
    back = await _names(session, world.staff, world.a1.id, last=2, before=second["pageInfo"]["startCursor"])
    assert [edge["node"]["name"] for edge in back["edges"]] == ["Kickoff", "Design document"]


async def test_milestone_and_risk_filters(session: AsyncSession, world: World) -> None:
    await make_risk(session, project=world.a1, title="Closed one", status=RiskStatus.CLOSED, raised_on=date(2026, 4, 1))
    query = """query($id: ID!) { project(id: $id) {
      deliverables: milestones(first: 10, kind: DELIVERABLE) { edges { node { name } } }
      submitted: milestones(first: 10, status: SUBMITTED) { totalCount }
      open: risks(first: 10, status: OPEN) { edges { node { title } } }
      all: risks(first: 10) { edges { node { title } } }
    } }"""
    data = (await data_of(session, world.staff, query, id=global_id("Project", world.a1.id)))["project"]
    assert [edge["node"]["name"] for edge in data["deliverables"]["edges"]] == ["Design document"]
    assert data["submitted"]["totalCount"] == 1
    assert {edge["node"]["title"] for edge in data["open"]["edges"]} == {"Data quality", "Staff turnover"}
    assert [edge["node"]["title"] for edge in data["all"]["edges"]] == ["Closed one", "Staff turnover", "Data quality"]


async def test_risks_page_from_the_most_recently_raised(session: AsyncSession, world: World) -> None:
    query = """query($id: ID!, $after: String) { project(id: $id) {
      risks(first: 1, after: $after) { pageInfo { hasNextPage endCursor } edges { node { title raisedOn } } } } }"""
    seen, after = [], None
    while True:
        page = (await data_of(session, world.staff, query, id=global_id("Project", world.a1.id), after=after))
        risks = page["project"]["risks"]
        seen += [edge["node"]["raisedOn"] for edge in risks["edges"]]
        if not risks["pageInfo"]["hasNextPage"]:
            break
        after = risks["pageInfo"]["endCursor"]
    assert seen == ["2026-03-01", "2026-02-01"]


async def _client_with_projects(session: AsyncSession, world: World, count: int) -> Organization:
    client = await make_client(session)
    for number in range(count):
        project = await make_project(session, client=client, code=f"C{client.id}-{number:02d}",
                                     financials_shared=bool(number % 2), manager_id=world.manager.id)
        for month in (3, 5, 7):
            await make_milestone(session, project=project, kind=MilestoneKind.DELIVERABLE,
                                 baseline_date=date(2026, month, 1), forecast_date=date(2026, month, 1),
                                 status=MilestoneStatus.ACCEPTED if month == 3 else MilestoneStatus.IN_PROGRESS)
        for visibility in (Visibility.CLIENT, Visibility.INTERNAL, Visibility.CLIENT):
            await make_risk(session, project=project, visibility=visibility)
    return client


async def _statements(session: AsyncSession, viewer: Principal, client: Organization, projects: int) -> int:
    with counted_statements(session) as statements:
        data = await data_of(session, viewer, EVERYTHING, clientId=global_id("Client", client.id))
    nodes = [edge["node"] for edge in data["projects"]["edges"]]
    assert len(nodes) == projects
    for node in nodes:
        assert node["milestones"]["totalCount"] == 3 and len(node["milestones"]["edges"]) == 2
        assert node["risks"]["totalCount"] == (3 if viewer.is_pmo_staff else 2)
        assert node["nextMilestone"]["project"]["code"] == node["code"]
        assert node["manager"]["name"] == "Dana Reyes"
    return len(statements)


async def test_nested_lists_cost_the_same_statements_for_two_projects_as_for_seven(
    session: AsyncSession, world: World
) -> None:
    small, large = await _client_with_projects(session, world, 2), await _client_with_projects(session, world, 7)
    for viewer_of in (lambda client: world.staff, lambda client: principal(client.id, Role.CLIENT_CONTACT)):
        few = await _statements(session, viewer_of(small), small, 2)
        many = await _statements(session, viewer_of(large), large, 7)
        assert few == many, (few, many)
