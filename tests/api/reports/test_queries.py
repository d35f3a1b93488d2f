"""Status reports through the schema: drafts and internal notes stay with the PMO, lists run newest first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.reports.models import ReportState
from tests.api.reports.conftest import World, global_id
from tests.fixtures.factories import make_status_report
from tests.fixtures.graphql import data_of, execute

ROOT = """
query($projectId: ID, $state: ReportState) {
  statusReports(first: 50, projectId: $projectId, state: $state) { totalCount edges { node { title state } } }
}"""
NESTED = """
query($id: ID!) {
  project(id: $id) {
    statusReports(first: 50) { totalCount edges { node { title } } }
    published: statusReports(first: 50, state: PUBLISHED) { totalCount edges { node { title } } }
    latestReport { title }
  }
}"""
DETAIL = """
query($id: ID!) {
  node(id: $id) {
    ... on StatusReport {
      title internalNotes percentComplete publishedAt
      health { overall schedule cost scope quality }
      metrics { milestonesAccepted milestonesTotal actualCostToDate { amount currency } }
      project { code }
    }
  }
}"""


def _titles(connection: dict) -> list[str]:
    return [edge["node"]["title"] for edge in connection["edges"]]


async def test_client_contacts_see_their_published_reports_newest_first_and_no_drafts(
    session: AsyncSession, world: World
) -> None:
    data = await data_of(session, world.alpha_contact, ROOT)
    assert _titles(data["statusReports"]) == ["February", "January"]
    assert data["statusReports"]["totalCount"] == 2
    drafts = await data_of(session, world.alpha_contact, ROOT, state="DRAFT")
    assert drafts["statusReports"] == {"totalCount": 0, "edges": []}

    staff = await data_of(session, world.staff, ROOT, projectId=global_id("Project", world.a1.id))
    assert _titles(staff["statusReports"]) == ["March draft", "February", "January"]
    staff_drafts = await data_of(session, world.staff, ROOT, state="DRAFT")
    assert "March draft" in _titles(staff_drafts["statusReports"])
    assert {edge["node"]["state"] for edge in staff_drafts["statusReports"]["edges"]} == {"DRAFT"}


async def test_drafts_are_hidden_in_the_nested_connection_and_from_latest_report(
    session: AsyncSession, world: World
) -> None:
    contact = (await data_of(session, world.alpha_contact, NESTED, id=global_id("Project", world.a1.id)))["project"]
    assert _titles(contact["statusReports"]) == ["February", "January"]
    assert contact["statusReports"]["totalCount"] == 2
    assert contact["latestReport"] == {"title": "February"}

    staff = (await data_of(session, world.staff, NESTED, id=global_id("Project", world.a1.id)))["project"]
    assert _titles(staff["statusReports"]) == ["March draft", "February", "January"]
    assert _titles(staff["published"]) == _titles(contact["published"]) == ["February", "January"]
    assert staff["latestReport"] == {"title": "February"}


async def test_a_draft_and_another_clients_report_answer_like_a_missing_one(
    session: AsyncSession, world: World
) -> None:
    answers = []
    for pk in (world.march_draft.id, world.beta_report.id, 999_999):
        result = await execute(session, world.alpha_contact, DETAIL, id=global_id("StatusReport", pk))
        answers.append((result.errors, result.data))
    assert answers == [(None, {"node": None})] * 3
    foreign = await data_of(session, world.alpha_contact, ROOT, projectId=global_id("Project", world.b1.id))
    assert foreign["statusReports"] == {"totalCount": 0, "edges": []}


async def test_internal_notes_resolve_only_for_pmo_staff(session: AsyncSession, world: World) -> None:
    report_id = global_id("StatusReport", world.february.id)
    for outsider in (world.alpha_contact, world.subcontractor):
        node = (await data_of(session, outsider, DETAIL, id=report_id))["node"]
        assert node["title"] == "February" and node["internalNotes"] is None
    staff = (await data_of(session, world.staff, DETAIL, id=report_id))["node"]
    assert staff["internalNotes"] == world.february.internal_notes != ""


async def test_the_snapshot_shows_only_once_published(session: AsyncSession, world: World) -> None:
    draft = (await data_of(session, world.staff, DETAIL, id=global_id("StatusReport", world.march_draft.id)))["node"]
    assert (draft["health"], draft["percentComplete"], draft["metrics"], draft["publishedAt"]) == (None,) * 4
    published = (await data_of(session, world.staff, DETAIL, id=global_id("StatusReport", world.february.id)))["node"]
    assert published["health"]["overall"] == world.a1.health_overall.value
    assert published["percentComplete"] == world.a1.percent_complete
    assert published["publishedAt"].endswith("+00:00")
    assert published["project"] == {"code": "A-1"}


@pytest.mark.parametrize("shared", [False, True])
async def test_cost_in_the_snapshot_follows_the_financials_rule(
    session: AsyncSession, world: World, shared: bool
) -> None:
    world.a1.financials_shared = shared
    report = await make_status_report(
        session, project=world.a1, state=ReportState.PUBLISHED,
        metrics={"milestones_accepted": 1, "milestones_total": 4, "actual_cost_to_date": "1250.5", "currency": "USD"},
    )
    report_id = global_id("StatusReport", report.id)
    contact = (await data_of(session, world.alpha_contact, DETAIL, id=report_id))["node"]["metrics"]
    assert contact["milestonesAccepted"] == 1 and contact["milestonesTotal"] == 4
    expected = {"amount": str(Decimal("1250.50")), "currency": "USD"}
    assert contact["actualCostToDate"] == (expected if shared else None)
    subcontractor = (await data_of(session, world.subcontractor, DETAIL, id=report_id))["node"]["metrics"]
    assert subcontractor["actualCostToDate"] is None
    staff = (await data_of(session, world.staff, DETAIL, id=report_id))["node"]["metrics"]
    assert staff["actualCostToDate"] == expected


async def test_keyset_pages_walk_newest_first_in_both_directions(session: AsyncSession, world: World) -> None:
    query = """query($after: String) { statusReports(first: 1, after: $after) {
      edges { node { title periodEnd } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = (await data_of(session, world.staff, query, after=after))["statusReports"]
        seen += [(edge["node"]["periodEnd"], edge["node"]["title"]) for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [end for end, _ in seen] == sorted((end for end, _ in seen), reverse=True)
    assert {"January", "February", "March draft", "Beta February"} <= {title for _, title in seen}

    backwards = """query($before: String) { statusReports(last: 2, before: $before) {
      edges { node { title } } pageInfo { hasPreviousPage startCursor } } }"""
    tail = (await data_of(session, world.staff, backwards, before=None))["statusReports"]
    assert [edge["node"]["title"] for edge in tail["edges"]] == [title for _, title in seen[-2:]]
    earlier = (await data_of(session, world.staff, backwards, before=tail["pageInfo"]["startCursor"]))["statusReports"]
    assert [edge["node"]["title"] for edge in earlier["edges"]] == [title for _, title in seen[-4:-2]]


async def test_the_nested_connection_pages_backwards_from_the_oldest_report(session: AsyncSession, world: World) -> None:
    query = """query($id: ID!, $before: String) { project(id: $id) { statusReports(last: 2, before: $before) {
      edges { node { title } } pageInfo { hasPreviousPage hasNextPage startCursor } } } }"""
    project_id = global_id("Project", world.a1.id)
    tail = (await data_of(session, world.staff, query, id=project_id))["project"]["statusReports"]
    assert _titles(tail) == ["February", "January"] and tail["pageInfo"]["hasPreviousPage"]
    head = (await data_of(session, world.staff, query, id=project_id, before=tail["pageInfo"]["startCursor"]))
    assert _titles(head["project"]["statusReports"]) == ["March draft"]
    assert not head["project"]["statusReports"]["pageInfo"]["hasPreviousPage"]
