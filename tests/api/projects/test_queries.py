"""Projects, milestones, risks and assignments through the schema: who sees which fields and rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Principal
from api.organizations.models import Organization
from api.projects.models import Assignment
from tests.api.projects.conftest import World, global_id
from tests.fixtures.factories import make_user
from tests.fixtures.graphql import data_of, execute

FINANCIALS = """
query($id: ID!) { project(id: $id) {
  financialsShared
  financials { budgetAtCompletion { amount currency } actualCostToDate { amount currency } percentSpent }
  milestones(first: 10) { edges { node { name plannedValue { amount currency } } } }
} }"""
RISKS = """
query($id: ID!, $visibility: RiskVisibility) { project(id: $id) {
  risks(first: 10, visibility: $visibility) { totalCount edges { node { title visibility severity project { code } } } }
} }"""
MILESTONES = "query($id: ID!) { project(id: $id) { milestones(first: 10) { edges { node { name } } } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"


async def _project(session: AsyncSession, viewer: Principal, query: str, project_id: int, **variables: object) -> dict:
    return (await data_of(session, viewer, query, id=global_id("Project", project_id), **variables))["project"]


async def test_pmo_staff_always_see_financials(session: AsyncSession, world: World) -> None:
    for project in (world.a1, world.a2, world.b1):
        data = await _project(session, world.staff, FINANCIALS, project.id)
        assert data["financials"] is not None
        assert all(edge["node"]["plannedValue"] is not None for edge in data["milestones"]["edges"])
    a1 = await _project(session, world.staff, FINANCIALS, world.a1.id)
    assert a1["financials"] == {
        "budgetAtCompletion": {"amount": "800000.00", "currency": "USD"},
        "actualCostToDate": {"amount": "200000.00", "currency": "USD"},
        "percentSpent": 25.0,
    }
    design = next(edge["node"] for edge in a1["milestones"]["edges"] if edge["node"]["name"] == "Design document")
    assert design["plannedValue"] == {"amount": "120000.00", "currency": "USD"}


async def test_the_clients_people_see_financials_only_where_shared(session: AsyncSession, world: World) -> None:
    shared = await _project(session, world.alpha_contact, FINANCIALS, world.a1.id)
    assert shared["financialsShared"] is True and shared["financials"]["percentSpent"] == 25.0
    assert all(edge["node"]["plannedValue"] is not None for edge in shared["milestones"]["edges"])
    unshared = await _project(session, world.alpha_executive, FINANCIALS, world.a2.id)
    assert unshared["financialsShared"] is False and unshared["financials"] is None
    assert [edge["node"]["plannedValue"] for edge in unshared["milestones"]["edges"]] == [None]


async def test_subcontractors_never_see_financials(session: AsyncSession, world: World) -> None:
    data = await _project(session, world.subcontractor, FINANCIALS, world.a1.id)
    assert data["financialsShared"] is True and data["financials"] is None
    milestones = [edge["node"] for edge in data["milestones"]["edges"]]
    assert milestones and all(milestone["plannedValue"] is None for milestone in milestones)


async def test_the_managers_work_contact_details_show_to_everyone_on_the_project(
        session: AsyncSession, world: World) -> None:
    query = "query($id: ID!) { project(id: $id) { manager { name title email phone } } }"
    expected = {"name": "Dana Reyes", "title": "Senior Project Manager", "email": "dana.reyes@pmo.example",
                "phone": "+1 202 555 0147"}
    for viewer in (world.staff, world.alpha_contact, world.subcontractor):
        assert (await _project(session, viewer, query, world.a1.id))["manager"] == expected
    assert (await _project(session, world.staff, query, world.a2.id))["manager"] is None


async def test_internal_risks_never_reach_client_users_or_subcontractors(session: AsyncSession, world: World) -> None:
    staff = (await _project(session, world.staff, RISKS, world.a1.id))["risks"]
    assert {edge["node"]["title"] for edge in staff["edges"]} == {"Data quality", "Staff turnover"}
    for viewer in (world.alpha_contact, world.alpha_executive, world.subcontractor):
        risks = (await _project(session, viewer, RISKS, world.a1.id))["risks"]
        assert risks["totalCount"] == 1
        assert [edge["node"] for edge in risks["edges"]] == [
            {"title": "Data quality", "visibility": "CLIENT", "severity": "CRITICAL", "project": {"code": "A-1"}}]
        asked = (await _project(session, viewer, RISKS, world.a1.id, visibility="INTERNAL"))["risks"]
        assert asked == {"totalCount": 0, "edges": []}
        hidden = await data_of(session, viewer, NODE, id=global_id("Risk", world.internal_risk.id))
        assert hidden == {"node": None}
    internal = (await _project(session, world.staff, RISKS, world.a1.id, visibility="INTERNAL"))["risks"]
    assert [edge["node"]["title"] for edge in internal["edges"]] == ["Staff turnover"]


async def test_a_subcontractor_sees_only_the_milestones_of_assigned_projects(
    session: AsyncSession, world: World
) -> None:
    data = await _project(session, world.subcontractor, MILESTONES, world.a1.id)
    assert [edge["node"]["name"] for edge in data["milestones"]["edges"]] == ["Kickoff", "Design document", "Build",
                                                                             "Launch"]
    assert await _project(session, world.subcontractor, MILESTONES, world.a2.id) is None
    for milestone in (world.a2_milestone, world.b1_milestone):
        hidden = await data_of(session, world.subcontractor, NODE, id=global_id("Milestone", milestone.id))
        assert hidden == {"node": None}
    assert await _project(session, world.idle_subcontractor, MILESTONES, world.a1.id) is None
    everything = "query { projects(first: 10) { totalCount } }"
    assert (await data_of(session, world.idle_subcontractor, everything))["projects"]["totalCount"] == 0


async def test_another_clients_milestones_and_risks_answer_like_missing_ones(
    session: AsyncSession, world: World
) -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    hidden = [global_id("Milestone", world.design.id), global_id("Risk", world.client_risk.id)]
    missing = [global_id("Milestone", 999_999), global_id("Risk", 999_999)]
    assert await execute(session, world.beta_contact, query, ids=hidden) == await execute(
        session, world.beta_contact, query, ids=missing)
    assert (await data_of(session, world.beta_contact, query, ids=hidden))["nodes"] == [None, None]
    mine = [global_id("Milestone", world.b1_milestone.id), global_id("Risk", world.b1_risk.id)]
    assert (await data_of(session, world.beta_contact, query, ids=mine))["nodes"] == [{"id": gid} for gid in mine]


async def test_milestone_fields_and_the_next_milestone(session: AsyncSession, world: World) -> None:
    query = """query($id: ID!) { node(id: $id) { ... on Milestone {
      name kind status baselineDate forecastDate completedDate percentComplete slipDays acceptedAt project { code }
    } } }"""
    design = (await data_of(session, world.alpha_contact, query, id=global_id("Milestone", world.design.id)))["node"]
    assert design == {"name": "Design document", "kind": "DELIVERABLE", "status": "SUBMITTED",
                      "baselineDate": "2026-03-01", "forecastDate": "2026-03-15", "completedDate": "2026-03-14",
                      "percentComplete": 100, "slipDays": 14, "acceptedAt": None, "project": {"code": "A-1"}}
    build = (await data_of(session, world.alpha_contact, query, id=global_id("Milestone", world.build.id)))["node"]
    assert build["slipDays"] == -11

    upcoming = "query { projects(first: 10) { edges { node { code nextMilestone { name status } } } } }"
    data = await data_of(session, world.staff, upcoming)
    nexts = {edge["node"]["code"]: edge["node"]["nextMilestone"] for edge in data["projects"]["edges"]}
    assert nexts == {"A-1": {"name": "Design document", "status": "SUBMITTED"},
                     "A-2": {"name": "A-2 pilot", "status": "IN_PROGRESS"},
                     "B-1": {"name": "B-1 pilot", "status": "SUBMITTED"}}


async def test_the_team_shows_people_to_all_and_staff_contact_details_to_the_project(
        session: AsyncSession, world: World) -> None:
    query = """query($id: ID!) { project(id: $id) { assignments(first: 10) {
      totalCount edges { node { role person { name email } organization { name kind } } } } } }"""
    staff = (await _project(session, world.staff, query, world.a1.id))["assignments"]
    assert staff["totalCount"] == 2
    manager, subcontractor = (edge["node"] for edge in staff["edges"])
    assert manager["role"] == "Project manager" and manager["organization"]["kind"] == "PMO"
    assert manager["person"] == {"name": "Dana Reyes", "email": "dana.reyes@pmo.example"}
    assert subcontractor == {"role": "Data migration", "person": None,
                             "organization": {"name": "Harbor Data LLC", "kind": "SUBCONTRACTOR"}}

    own = (await _project(session, world.subcontractor, query, world.a1.id))["assignments"]
    assert [edge["node"]["person"] for edge in own["edges"]] == [
        {"name": "Dana Reyes", "email": "dana.reyes@pmo.example"}, None]
    assert own["edges"][1]["node"]["organization"] == {"name": "Harbor Data LLC", "kind": "SUBCONTRACTOR"}

    client = (await _project(session, world.alpha_contact, query, world.a1.id))["assignments"]
    assert [edge["node"]["role"] for edge in client["edges"]] == ["Project manager", "Data migration"]
    assert client["edges"][0]["node"]["person"] == {"name": "Dana Reyes", "email": "dana.reyes@pmo.example"}


async def test_a_subcontractors_contact_details_show_to_pmo_staff_only(session: AsyncSession, world: World) -> None:
    subco = await session.get(Organization, world.subcontractor.grants[0].organization_id)
    engineer = await make_user(session, organization=subco, role=Role.SUBCONTRACTOR, email="eng@harbor.example",
                               name="Eli Engineer")
    engineer.phone = "+1 202 555 0199"
    session.add(Assignment(project_id=world.a1.id, organization_id=subco.id, user_id=engineer.id, role="Engineer"))
    await session.flush()
    query = "query($id: ID!) { project(id: $id) { assignments(first: 10) { edges { node { person { name email phone } } } } } }"

    def people(data: dict) -> list:
        return [edge["node"]["person"] for edge in data["assignments"]["edges"]][2:]

    assert people(await _project(session, world.staff, query, world.a1.id)) == [
        {"name": "Eli Engineer", "email": "eng@harbor.example", "phone": "+1 202 555 0199"}]
    assert people(await _project(session, world.alpha_contact, query, world.a1.id)) == [
        {"name": "Eli Engineer", "email": None, "phone": None}]
