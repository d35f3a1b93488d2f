"""createStatusReport and updateStatusReport: drafting rules, refusals that change nothing, who may write, audit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.reports.models import ReportState, StatusReport
from tests.api.reports.conftest import World, global_id
from tests.fixtures.graphql import data_of

CREATE = """
mutation($input: CreateStatusReportInput!) {
  createStatusReport(input: $input) {
    statusReport {
      id title state cadence periodStart periodEnd summary internalNotes health { overall } amends { title }
    }
    userErrors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdateStatusReportInput!) {
  updateStatusReport(input: $input) { statusReport { title summary nextSteps } userErrors { field message code } }
}"""
PUBLISH = """
mutation($input: PublishStatusReportInput!) {
  publishStatusReport(input: $input) { statusReport { state } userErrors { field message code } }
}"""


def _new_report(world: World, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "projectId": global_id("Project", world.a1.id), "cadence": "WEEKLY", "periodStart": "2026-04-06",
        "periodEnd": "2026-04-12", "title": "  Week of April 6  ", "summary": "Design review done.",
        "internalNotes": "Vendor slipping.",
    }
    values.update(overrides)
    return values


async def _counts(session: AsyncSession) -> tuple[int, int]:
    session
    reports = await session.scalar(select(func.count()).select_from(StatusReport))
    events = await session.scalar(select(func.count()).select_from(AuditEvent))
    return reports, events


async def test_pmo_staff_start_a_draft_and_the_creation_is_audited(session: AsyncSession, world: World) -> None:
    payload = (await data_of(session, world.staff, CREATE, input=_new_report(world)))["createStatusReport"]
    assert payload["userErrors"] == []
    report = payload["statusReport"]
    assert (report["title"], report["state"], report["cadence"]) == ("Week of April 6", "DRAFT", "WEEKLY")
    assert (report["periodStart"], report["periodEnd"]) == ("2026-04-06", "2026-04-12")
    assert (report["internalNotes"], report["health"], report["amends"]) == ("Vendor slipping.", None, None)
    session
    row = await session.scalar(select(StatusReport).where(StatusReport.title == "Week of April 6"))
    assert row.project_id == world.a1.id and row.author_id == world.staff.user_id and row.state is ReportState.DRAFT
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "status_report.create"))
    assert (event.object_id, event.organization_id) == (row.id, world.alpha.id)
    assert event.actor_user_id == world.staff.user_id


async def test_invalid_input_returns_every_problem_and_changes_nothing(session: AsyncSession, world: World) -> None:
    before = await _counts(session)
    bad = _new_report(world, title="   ", periodStart="2026-04-20", periodEnd="2026-04-12", summary="x" * 20_001)
    payload = (await data_of(session, world.staff, CREATE, input=bad))["createStatusReport"]
    assert payload["statusReport"] is None
    assert {(tuple(error["field"]), error["code"]) for error in payload["userErrors"]} == {
        (("input", "title"), "INVALID"), (("input", "periodEnd"), "INVALID"), (("input", "summary"), "INVALID")}
    too_long = _new_report(world, periodStart="2026-04-01", periodEnd="2026-04-30")
    payload = (await data_of(session, world.staff, CREATE, input=too_long))["createStatusReport"]
    assert payload["userErrors"] == [
        {"field": ["input", "periodEnd"], "message": "a weekly report covers at most 7 days", "code": "INVALID"}]
    assert await _counts(session) == before


async def test_a_draft_changes_only_the_given_fields_and_each_change_is_audited(
    session: AsyncSession, world: World
) -> None:
    changes = {"id": global_id("StatusReport", world.march_draft.id), "nextSteps": "Pilot with two offices."}
    payload = (await data_of(session, world.staff, UPDATE, input=changes))["updateStatusReport"]
    assert payload == {"statusReport": {"title": "March draft", "summary": "On track.",
                                        "nextSteps": "Pilot with two offices."}, "userErrors": []}
    session
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "status_report.update"))
    assert event.object_id == world.march_draft.id and event.details == {"changed": ["nextSteps"]}

    refused = {"id": global_id("StatusReport", world.march_draft.id), "title": "", "summary": "Changed"}
    payload = (await data_of(session, world.staff, UPDATE, input=refused))["updateStatusReport"]
    assert [error["field"] for error in payload["userErrors"]] == [["input", "title"]]
    await session.refresh(world.march_draft)
    assert (world.march_draft.title, world.march_draft.summary) == ("March draft", "On track.")


async def test_client_contacts_may_not_write_and_hidden_reports_answer_like_missing_ones(
    session: AsyncSession, world: World
) -> None:
    before = await _counts(session)
    contact = world.alpha_contact
    own = (await data_of(session, contact, CREATE, input=_new_report(world)))["createStatusReport"]
    assert [error["code"] for error in own["userErrors"]] == ["FORBIDDEN"]
    february = global_id("StatusReport", world.february.id)
    updated = (await data_of(session, contact, UPDATE, input={"id": february, "title": "Rewritten"}))
    assert [error["code"] for error in updated["updateStatusReport"]["userErrors"]] == ["FORBIDDEN"]
    published = (await data_of(session, contact, PUBLISH, input={"id": february}))
    assert [error["code"] for error in published["publishStatusReport"]["userErrors"]] == ["FORBIDDEN"]

    def missing_like(pk: int) -> dict[str, str]:
        return {"id": global_id("StatusReport", pk), "title": "Rewritten"}

    answers = [
        (await data_of(session, contact, UPDATE, input=missing_like(pk)))["updateStatusReport"]
        for pk in (world.beta_report.id, world.march_draft.id, 999_999)
    ]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["userErrors"] == [
        {"field": ["input", "id"], "message": "no such status report", "code": "NOT_FOUND"}]
    foreign, missing = [
        await data_of(session, contact, CREATE, input=_new_report(world, projectId=global_id("Project", pk)))
        for pk in (world.b1.id, 999_999)
    ]
    assert foreign == missing and missing["createStatusReport"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await _counts(session) == before
    await session.refresh(world.february)
    assert world.february.title == "February"
