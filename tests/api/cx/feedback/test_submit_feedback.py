"""submitFeedback: who may answer, what is refused (storing nothing), and the detractor follow-up."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.cx.action_items.models import ActionItem, ActionItemStatus
from api.cx.feedback.models import Feedback, FeedbackChannel
from api.reports.models import ReportState
from tests.api.cx.conftest import World, count_rows, gid
from tests.fixtures.factories import make_milestone, make_status_report
from tests.fixtures.graphql import data_of

SUBMIT = """
mutation($input: SubmitFeedbackInput!) {
  submitFeedback(input: $input) {
    feedback { id touchpoint csat nps ces comment painPoints channel project { code } client { slug } respondent { name } }
    userErrors { field message code }
  }
}"""


async def _stored(session: AsyncSession) -> tuple[int, int, int]:
    return (await count_rows(session, Feedback), await count_rows(session, ActionItem),
            await count_rows(session, AuditEvent))


async def test_a_client_contact_answers_for_their_own_client(session: AsyncSession, world: World) -> None:
    payload = (await data_of(session, world.alpha_contact, SUBMIT, input={
        "touchpoint": "STATUS_REPORT", "csat": 4, "ces": 6, "comment": "  Clear report. ",
        "painPoints": ["slow-response", "slow-response"], "projectId": gid("Project", world.alpha_project.id),
    }))["submitFeedback"]
    assert payload["userErrors"] == []
    feedback = payload["feedback"]
    assert (feedback["csat"], feedback["nps"], feedback["ces"], feedback["comment"]) == (4, None, 6, "Clear report.")
    assert feedback["painPoints"] == ["slow-response"] and feedback["channel"] == "API"
    assert feedback["project"] == {"code": "A-1"} and feedback["client"] == {"slug": "alpha"}
    assert feedback["respondent"] is None
    row = await session.scalar(select(Feedback))
    assert row.respondent_id == world.alpha_person.id and row.channel is FeedbackChannel.API
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.submit"))
    assert event.object_id == row.id and event.organization_id == world.alpha.id
    assert await count_rows(session, ActionItem) == 0


@pytest.mark.parametrize(("scores", "field", "message"), [
    ({"csat": 6}, "csat", "csat must be between 1 and 5"),
    ({"csat": 0}, "csat", "csat must be between 1 and 5"),
    ({"nps": 11}, "nps", "nps must be between 0 and 10"),
    ({"nps": -1}, "nps", "nps must be between 0 and 10"),
    ({"ces": 8}, "ces", "ces must be between 1 and 7"),
    ({}, "csat", "give at least one score"),
    ({"csat": 5, "painPoints": ["bad-coffee"]}, "painPoints", "unknown pain points bad-coffee"),
    ({"csat": 5, "comment": "x" * 2001}, "comment", "at most 2000 characters"),
    ({"csat": 5, "respondentEmail": "ann@alpha.example"}, "respondentEmail", "only PMO staff"),
])
async def test_invalid_answers_are_refused_and_nothing_is_stored(session: AsyncSession, world: World, scores: dict,
                                                                 field: str, message: str) -> None:
    before = await _stored(session)
    payload = (await data_of(session, world.alpha_contact, SUBMIT, input={"touchpoint": "MEETING", **scores}))
    errors = payload["submitFeedback"]["userErrors"]
    assert payload["submitFeedback"]["feedback"] is None
    assert [(e["field"], e["code"]) for e in errors] == [(["input", field], "INVALID")]
    assert message in errors[0]["message"]
    assert await _stored(session) == before


async def test_every_problem_of_one_input_is_reported(session: AsyncSession, world: World) -> None:
    payload = await data_of(session, world.alpha_contact, SUBMIT,
                            input={"touchpoint": "MEETING", "csat": 9, "nps": 12, "painPoints": ["nope"]})
    assert {tuple(e["field"]) for e in payload["submitFeedback"]["userErrors"]} == {
        ("input", "csat"), ("input", "nps"), ("input", "painPoints")}


async def test_another_clients_things_answer_like_missing_ones(session: AsyncSession, world: World) -> None:
    before = await _stored(session)
    hidden_report = await make_status_report(session, project=world.beta_project, state=ReportState.PUBLISHED)
    draft = await make_status_report(session, project=world.alpha_project)
    cases = [
        ({"projectId": gid("Project", world.beta_project.id)}, {"projectId": gid("Project", 999_999)}, "projectId"),
        ({"clientId": gid("Client", world.beta.id)}, {"clientId": gid("Client", 999_999)}, "clientId"),
        ({"reportId": gid("StatusReport", hidden_report.id)}, {"reportId": gid("StatusReport", 999_999)}, "reportId"),
        ({"reportId": gid("StatusReport", draft.id)}, {"reportId": gid("StatusReport", 999_998)}, "reportId"),
    ]
    for hidden, missing, field in cases:
        answers = []
        for reference in (hidden, missing):
            payload = await data_of(session, world.alpha_contact, SUBMIT,
                                    input={"touchpoint": "GENERAL", "csat": 5, **reference})
            answers.append(payload["submitFeedback"])
        assert answers[0] == answers[1]
        assert answers[0]["feedback"] is None
        assert [(e["field"], e["code"]) for e in answers[0]["userErrors"]] == [(["input", field], "NOT_FOUND")]
    assert await _stored(session) == before


async def test_a_subject_must_belong_to_the_project_given(session: AsyncSession, world: World) -> None:
    other_project_milestone = await make_milestone(session, project=world.beta_project)
    payload = await data_of(session, world.staff, SUBMIT, input={
        "touchpoint": "MILESTONE_REVIEW", "csat": 5, "clientId": gid("Client", world.alpha.id),
        "projectId": gid("Project", world.alpha_project.id), "milestoneId": gid("Milestone", other_project_milestone.id)})
    assert payload["submitFeedback"]["userErrors"][0]["code"] == "NOT_FOUND"
    own = await make_milestone(session, project=world.alpha_project)
    payload = await data_of(session, world.staff, SUBMIT, input={
        "touchpoint": "MILESTONE_REVIEW", "csat": 5, "clientId": gid("Client", world.alpha.id),
        "milestoneId": gid("Milestone", own.id)})
    assert payload["submitFeedback"]["feedback"]["project"] == {"code": "A-1"}


@pytest.mark.parametrize("scores", [{"nps": 6}, {"nps": 0, "csat": 5}, {"csat": 2}, {"csat": 1, "nps": 10}])
async def test_a_detractor_opens_an_internal_follow_up(session: AsyncSession, world: World, scores: dict) -> None:
    payload = (await data_of(session, world.alpha_contact, SUBMIT, input={
        "touchpoint": "CLOSEOUT", "comment": "Too slow.", "projectId": gid("Project", world.alpha_project.id),
        **scores}))["submitFeedback"]
    assert payload["userErrors"] == []
    item = await session.scalar(select(ActionItem))
    feedback = await session.scalar(select(Feedback))
    assert (item.status, item.client_visible, item.owner_id) == (ActionItemStatus.OPEN, False, world.manager.id)
    assert (item.feedback_id, item.project_id, item.you_said) == (feedback.id, world.alpha_project.id, "Too slow.")
    listed = await data_of(session, world.alpha_contact, "query { actionItems(first: 10) { totalCount } }")
    assert listed["actionItems"]["totalCount"] == 0
    staff_view = await data_of(session, world.staff, "query { actionItems(first: 10) { edges { node { title } } } }")
    assert staff_view["actionItems"]["edges"][0]["node"]["title"] == "Follow up with a detractor (closeout)"


@pytest.mark.parametrize("scores", [{"nps": 7}, {"csat": 3}, {"ces": 1}, {"nps": 8, "csat": 3}])
async def test_passives_and_promoters_open_nothing(session: AsyncSession, world: World, scores: dict) -> None:
    payload = await data_of(session, world.alpha_contact, SUBMIT, input={"touchpoint": "CLOSEOUT", **scores})
    assert payload["submitFeedback"]["userErrors"] == []
    assert await count_rows(session, ActionItem) == 0


async def test_pmo_staff_record_an_interview_and_see_the_respondent(session: AsyncSession, world: World) -> None:
    missing_client = await data_of(session, world.staff, SUBMIT, input={"touchpoint": "MEETING", "csat": 4})
    assert missing_client["submitFeedback"]["userErrors"][0]["field"] == ["input", "clientId"]
    payload = (await data_of(session, world.staff, SUBMIT, input={
        "touchpoint": "MEETING", "csat": 4, "clientId": gid("Client", world.alpha.id),
        "respondentEmail": "ANN@alpha.example"}))["submitFeedback"]
    assert payload["feedback"]["channel"] == "INTERVIEW"
    assert payload["feedback"]["respondent"] == {"name": "Ann Alpha"}
    stranger = await data_of(session, world.staff, SUBMIT, input={
        "touchpoint": "MEETING", "csat": 4, "clientId": gid("Client", world.alpha.id),
        "respondentEmail": "ben@beta.example"})
    assert stranger["submitFeedback"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_subcontractor_may_not_give_feedback(session: AsyncSession, world: World) -> None:
    payload = await data_of(session, world.subcontractor, SUBMIT, input={"touchpoint": "MEETING", "csat": 4})
    assert payload["submitFeedback"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert await count_rows(session, Feedback) == 0
