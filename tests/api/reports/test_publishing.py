"""publishStatusReport freezes a report for good; corrections are amendments linked both ways."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.projects.models import (
    Health,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    Risk,
    RiskKind,
    RiskSeverity,
    RiskStatus,
    Visibility,
)
from api.reports import service as report_service
from api.reports.events import ReportPublished
from api.reports.models import ReportState
from tests.api.reports.conftest import World, global_id
from tests.fixtures.events import recorded
from tests.fixtures.factories import make_status_report
from tests.fixtures.graphql import data_of

REPORT = """
fragment Report on StatusReport {
  id title state publishedAt percentComplete
  health { overall schedule cost scope quality }
  metrics { milestonesAccepted milestonesTotal openRisks actualCostToDate { amount currency } }
}"""
PUBLISH = REPORT + """
mutation($input: PublishStatusReportInput!) {
  publishStatusReport(input: $input) { statusReport { ...Report } userErrors { field message code } }
}"""
UPDATE = """
mutation($input: UpdateStatusReportInput!) {
  updateStatusReport(input: $input) { statusReport { title } userErrors { field message code } }
}"""
CREATE = """
mutation($input: CreateStatusReportInput!) {
  createStatusReport(input: $input) { statusReport { id state amends { title } } userErrors { field message code } }
}"""
NODE = REPORT + """
query($id: ID!) {
  node(id: $id) { ...Report ... on StatusReport {
    amends { title } amendments(first: 10) { totalCount edges { node { title } } } project { latestReport { title } }
  } }
}"""


async def _delivery(session: AsyncSession, project: Project) -> None:
    """Two of three milestones accepted; one open client-visible risk, one internal, one closed."""
    for status in (MilestoneStatus.ACCEPTED, MilestoneStatus.ACCEPTED, MilestoneStatus.IN_PROGRESS):
        session.add(Milestone(project_id=project.id, kind=MilestoneKind.DELIVERABLE, name=f"{status.value} item",
                              baseline_date=date(2026, 3, 1), forecast_date=date(2026, 3, 1), status=status))
    for visibility, status in ((Visibility.CLIENT, RiskStatus.OPEN), (Visibility.INTERNAL, RiskStatus.OPEN),
                               (Visibility.CLIENT, RiskStatus.CLOSED)):
        session.add(Risk(project_id=project.id, kind=RiskKind.RISK, title="Staffing", probability=3, impact=3,
                         severity=RiskSeverity.MEDIUM, owner_name="PM", status=status, visibility=visibility,
                         raised_on=date(2026, 2, 1)))
    await session.flush()


async def test_publishing_freezes_health_progress_and_metrics(session: AsyncSession, world: World) -> None:
    project = world.a1
    project.health_overall, project.health_schedule, project.percent_complete = Health.AMBER, Health.RED, 55
    project.actual_cost, project.currency = Decimal("321000.5"), "EUR"
    await _delivery(session, project)
    draft_id = global_id("StatusReport", world.march_draft.id)

    payload = (await data_of(session, world.staff, PUBLISH, input={"id": draft_id}))["publishStatusReport"]
    assert payload["userErrors"] == []
    report = payload["statusReport"]
    assert report["state"] == "PUBLISHED" and report["publishedAt"] is not None
    assert report["health"] == {"overall": "AMBER", "schedule": "RED", "cost": "GREEN", "scope": "GREEN",
                                "quality": "GREEN"}
    assert report["percentComplete"] == 55
    assert report["metrics"] == {"milestonesAccepted": 2, "milestonesTotal": 3, "openRisks": 1,
                                 "actualCostToDate": {"amount": "321000.50", "currency": "EUR"}}

    project.health_overall, project.percent_complete = Health.GREEN, 80
    later = (await data_of(session, world.staff, NODE, id=draft_id))["node"]
    assert (later["health"]["overall"], later["percentComplete"]) == ("AMBER", 55)
    assert later["project"]["latestReport"] == {"title": "March draft"}
    contact = (await data_of(session, world.alpha_contact, NODE, id=draft_id))["node"]
    assert contact["title"] == "March draft" and contact["metrics"]["actualCostToDate"] is None

    session
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "status_report.publish"))
    assert (event.object_id, event.organization_id, event.actor_user_id) == (
        world.march_draft.id, world.alpha.id, world.staff.user_id)
    await session.refresh(world.march_draft)
    assert world.march_draft.published_by_id == world.staff.user_id


async def test_a_published_report_refuses_changes_and_a_second_publication(session: AsyncSession, world: World) -> None:
    report_id = global_id("StatusReport", world.february.id)
    session
    await session.refresh(world.february)
    before = (world.february.title, world.february.updated_at, world.february.published_at)

    update = (await data_of(session, world.staff, UPDATE, input={"id": report_id, "title": "Rewritten"}))
    assert update["updateStatusReport"] == {"statusReport": None, "userErrors": [{
        "field": ["input", "id"], "message": "published reports are immutable; create an amendment",
        "code": "CONFLICT"}]}
    again = (await data_of(session, world.staff, PUBLISH, input={"id": report_id}))["publishStatusReport"]
    assert again["userErrors"] == [{"field": ["input", "id"], "message": "the report is already published",
                                    "code": "CONFLICT"}]

    await session.refresh(world.february)
    assert (world.february.title, world.february.updated_at, world.february.published_at) == before
    actions = await session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == world.february.id))
    assert not [action for action in actions if action.startswith("status_report.")]


async def test_an_amendment_links_both_ways_and_clients_see_it_once_published(
    session: AsyncSession, world: World
) -> None:
    original_id = global_id("StatusReport", world.february.id)
    amendment = {"projectId": global_id("Project", world.a1.id), "amendsId": original_id, "cadence": "MONTHLY",
                 "periodStart": "2026-02-01", "periodEnd": "2026-02-28", "title": "February (corrected)"}
    created = (await data_of(session, world.staff, CREATE, input=amendment))["createStatusReport"]
    assert created["userErrors"] == []
    assert created["statusReport"]["amends"] == {"title": "February"} and created["statusReport"]["state"] == "DRAFT"
    new_id = created["statusReport"]["id"]

    staff_view = (await data_of(session, world.staff, NODE, id=original_id))["node"]["amendments"]
    assert [edge["node"]["title"] for edge in staff_view["edges"]] == ["February (corrected)"]
    client_view = (await data_of(session, world.alpha_contact, NODE, id=original_id))["node"]
    assert client_view["amendments"] == {"totalCount": 0, "edges": []}
    assert client_view["project"]["latestReport"] == {"title": "February"}

    await data_of(session, world.staff, PUBLISH, input={"id": new_id})
    client_view = (await data_of(session, world.alpha_contact, NODE, id=original_id))["node"]
    assert [edge["node"]["title"] for edge in client_view["amendments"]["edges"]] == ["February (corrected)"]
    assert client_view["project"]["latestReport"] == {"title": "February (corrected)"}
    corrected = (await data_of(session, world.alpha_contact, NODE, id=new_id))["node"]
    assert corrected["amends"] == {"title": "February"} and corrected["state"] == "PUBLISHED"


async def test_only_a_published_report_of_the_same_project_and_period_can_be_amended(
    session: AsyncSession, world: World
) -> None:
    async def amend(report_id: int, cadence: str, start: str, end: str) -> set[tuple[tuple[str, ...], str]]:
        values = {"projectId": global_id("Project", world.a1.id), "amendsId": global_id("StatusReport", report_id),
                  "cadence": cadence, "periodStart": start, "periodEnd": end, "title": "Fix"}
        payload = (await data_of(session, world.staff, CREATE, input=values))["createStatusReport"]
        assert payload["statusReport"] is None
        return {(tuple(error["field"]), error["code"]) for error in payload["userErrors"]}

    assert await amend(world.march_draft.id, "MONTHLY", "2026-03-01", "2026-03-31") == {
        (("input", "amendsId"), "CONFLICT")}
    assert await amend(world.beta_report.id, "MONTHLY", "2026-02-01", "2026-02-28") == {
        (("input", "amendsId"), "INVALID")}
    assert await amend(world.february.id, "WEEKLY", "2026-02-01", "2026-02-07") == {
        (("input", "cadence"), "INVALID"), (("input", "periodStart"), "INVALID")}

    amendment = await make_status_report(session, project=world.a1, amends_id=world.february.id, title="Fix",
                                         period_start=world.february.period_start, period_end=world.february.period_end)
    moved = {"id": global_id("StatusReport", amendment.id), "periodEnd": "2026-02-20"}
    refused = (await data_of(session, world.staff, UPDATE, input=moved))["updateStatusReport"]["userErrors"]
    assert [(e["field"], e["code"]) for e in refused] == [(["input", "periodStart"], "INVALID")]


async def test_publishing_tells_what_to_set_in_motion(session: AsyncSession, world: World) -> None:
    # The event is recorded in the outbox now, instead of returned.
    published = await report_service.publish_status_report(session, principal=world.staff,
                                                            report_id=world.march_draft.id)
    [event] = await recorded(session, ReportPublished)
    assert (event.report_id, event.project_id, event.client_id) == (world.march_draft.id, world.a1.id, world.alpha.id)
    assert published.state is ReportState.PUBLISHED
