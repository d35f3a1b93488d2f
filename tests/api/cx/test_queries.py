"""feedback and node: newest first, keyset pages both ways, each viewer's tenancy, respondents for staff only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.models import Touchpoint
from tests.api.cx.conftest import World, counting_statements, gid
from tests.fixtures.factories import make_feedback
from tests.fixtures.graphql import data_of, execute

PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $touchpoint: Touchpoint, $projectId: ID) {
  feedback(first: $first, after: $after, last: $last, before: $before, touchpoint: $touchpoint, projectId: $projectId) {
    totalCount edges { cursor node { id submittedAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
DETAILS = """query { feedback(first: 50) { edges { node {
  csat comment painPoints reportId respondent { name email } project { code } client { slug }
} } } }"""
BASE = datetime(2026, 3, 1, 9, tzinfo=UTC)


async def _timeline(session: AsyncSession, world: World, count: int) -> list[int]:
    """Feedback of alpha, one an hour, some sharing a timestamp; ids newest first."""
    rows = []
    for index in range(count):
        rows.append(await make_feedback(
            session, client=world.alpha, submitted_at=BASE + timedelta(hours=index // 2),
            respondent_id=world.alpha_person.id,
            touchpoint=Touchpoint.MEETING if index % 3 else Touchpoint.KICKOFF,
            project_id=world.alpha_project.id if index % 2 else None))
    return [row.id for row in sorted(rows, key=lambda row: (row.submitted_at, row.id), reverse=True)]


async def test_feedback_is_listed_newest_first_and_pages_walk_both_ways(session: AsyncSession, world: World) -> None:
    expected = [gid("Feedback", pk) for pk in await _timeline(session, world, 9)]
    seen, after = [], None
    for _ in range(len(expected)):
        page = (await data_of(session, world.alpha_contact, PAGE, first=2, after=after))["feedback"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["totalCount"] == 9
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    backwards, before = [], None
    for _ in range(len(expected)):
        page = (await data_of(session, world.alpha_contact, PAGE, last=4, before=before))["feedback"]
        backwards = [edge["node"]["id"] for edge in page["edges"]] + backwards
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backwards == expected


async def test_filters_and_tenancy(session: AsyncSession, world: World) -> None:
    await _timeline(session, world, 6)
    await make_feedback(session, client=world.beta, project_id=world.beta_project.id)
    kickoffs = await data_of(session, world.alpha_contact, PAGE, first=50, touchpoint="KICKOFF")
    assert kickoffs["feedback"]["totalCount"] == 2
    by_project = await data_of(session, world.alpha_contact, PAGE, first=50,
                               projectId=gid("Project", world.alpha_project.id))
    assert by_project["feedback"]["totalCount"] == 3
    hidden_project = await data_of(session, world.alpha_contact, PAGE, first=50,
                                   projectId=gid("Project", world.beta_project.id))
    assert hidden_project["feedback"]["totalCount"] == 0
    assert (await data_of(session, world.beta_contact, PAGE, first=50))["feedback"]["totalCount"] == 1
    assert (await data_of(session, world.subcontractor, PAGE, first=50))["feedback"]["totalCount"] == 0
    assert (await data_of(session, world.staff, PAGE, first=50))["feedback"]["totalCount"] == 7


async def test_another_clients_feedback_answers_like_missing(session: AsyncSession, world: World) -> None:
    theirs = await make_feedback(session, client=world.beta)
    query = "query($id: ID!) { node(id: $id) { id ... on Feedback { csat } } }"
    hidden = await execute(session, world.alpha_contact, query, id=gid("Feedback", theirs.id))
    missing = await execute(session, world.alpha_contact, query, id=gid("Feedback", 999_999))
    assert hidden.errors is None and hidden.data == missing.data == {"node": None}
    own = await data_of(session, world.beta_contact, query, id=gid("Feedback", theirs.id))
    assert own["node"]["csat"] == 5


async def test_respondents_are_shown_to_pmo_staff_only(session: AsyncSession, world: World) -> None:
    await make_feedback(session, client=world.alpha, respondent_id=world.alpha_person.id, comment="Fine.")
    client_view = (await data_of(session, world.alpha_contact, DETAILS))["feedback"]["edges"][0]["node"]
    assert client_view["respondent"] is None and client_view["comment"] == "Fine."
    staff_view = (await data_of(session, world.staff, DETAILS))["feedback"]["edges"][0]["node"]
    assert staff_view["respondent"] == {"name": "Ann Alpha", "email": "ann@alpha.example"}


async def test_related_objects_cost_the_same_statements_whatever_the_rows(session: AsyncSession, world: World) -> None:
    await _timeline(session, world, 2)
    with counting_statements(session) as few:
        await data_of(session, world.staff, DETAILS)
    await _timeline(session, world, 30)
    await make_feedback(session, client=world.beta, project_id=world.beta_project.id, respondent_id=world.beta_person.id)
    with counting_statements(session) as many:
        data = await data_of(session, world.staff, DETAILS)
    assert len(data["feedback"]["edges"]) == 33
    assert len(many) == len(few)
