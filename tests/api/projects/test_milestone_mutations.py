"""createMilestone and updateMilestone: PMO staff plan, subcontractors report progress, clients accept or reject."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth.principal import Principal
from api.projects import milestone_service
from api.projects.events import MilestoneDecided
from api.projects.milestone_service import MilestoneFields
from api.projects.models import Milestone, MilestoneKind, MilestoneStatus
from tests.api.projects.conftest import World, count_rows, global_id
from tests.fixtures.events import recorded
from tests.fixtures.graphql import data_of

CREATE = """
mutation($input: CreateMilestoneInput!) { createMilestone(input: $input) {
  milestone { name kind status baselineDate forecastDate completedDate percentComplete plannedValue { amount } }
  userErrors { field message code }
} }"""
UPDATE = """
mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) {
  milestone { name status forecastDate completedDate percentComplete acceptedAt }
  userErrors { field message code }
} }"""


async def _update(session: AsyncSession, viewer: Principal, milestone_id: int, **changes: object) -> dict:
    change = {"id": global_id("Milestone", milestone_id), **changes}
    return (await data_of(session, viewer, UPDATE, input=change))["updateMilestone"]


async def _state(session: AsyncSession) -> tuple:
    rows = (await session.scalars(select(Milestone).order_by(Milestone.id))).all()
    for row in rows:
        await session.refresh(row)
    snapshot = tuple((row.name, row.status, row.percent_complete, row.forecast_date, row.accepted_at) for row in rows)
    return snapshot, await count_rows(session, AuditEvent)


def _codes(payload: dict) -> list[tuple[str | None, str]]:
    return [(error["field"][1] if error["field"] else None, error["code"]) for error in payload["userErrors"]]


async def test_pmo_staff_plan_a_milestone_with_defaults(session: AsyncSession, world: World) -> None:
    new = {"projectId": global_id("Project", world.a1.id), "name": " Data migration ", "baselineDate": "2026-08-01",
           "plannedValue": "50000"}
    payload = (await data_of(session, world.staff, CREATE, input=new))["createMilestone"]
    assert payload == {"userErrors": [], "milestone": {
        "name": "Data migration", "kind": "MILESTONE", "status": "NOT_STARTED", "baselineDate": "2026-08-01",
        "forecastDate": "2026-08-01", "completedDate": None, "percentComplete": 0,
        "plannedValue": {"amount": "50000.00"}}}
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "milestone.create"))
    assert event.object_type == "Milestone" and event.organization_id == world.alpha.id
    assert event.details["baseline_date"] == "2026-08-01"


async def test_a_milestone_planned_as_submitted_is_complete_today(session: AsyncSession, world: World) -> None:
    new = {"projectId": global_id("Project", world.a1.id), "name": "Test plan", "kind": "DELIVERABLE",
           "baselineDate": "2026-04-01", "status": "SUBMITTED"}
    milestone = (await data_of(session, world.staff, CREATE, input=new))["createMilestone"]["milestone"]
    assert milestone["percentComplete"] == 100
    assert milestone["completedDate"] == datetime.now(UTC).date().isoformat()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"baselineDate": "2025-12-31"}, "baselineDate"),
        ({"baselineDate": "2027-07-01"}, "baselineDate"),
        ({"forecastDate": "2025-12-01"}, "forecastDate"),
        ({"percentComplete": 150}, "percentComplete"),
        ({"plannedValue": "ten"}, "plannedValue"),
        ({"plannedValue": "-1"}, "plannedValue"),
        ({"status": "ACCEPTED"}, "status"),
        ({"status": "REJECTED"}, "status"),
        ({"completedDate": "2026-05-01"}, "completedDate"),
        ({"status": "SUBMITTED", "percentComplete": 80}, "percentComplete"),
    ],
)
async def test_each_rule_refuses_a_new_milestone_and_changes_nothing(
    session: AsyncSession, world: World, overrides: dict, field: str
) -> None:
    before = await _state(session)
    new = {"projectId": global_id("Project", world.a1.id), "name": "Pilot", "baselineDate": "2026-08-01", **overrides}
    payload = (await data_of(session, world.staff, CREATE, input=new))["createMilestone"]
    assert payload["milestone"] is None and _codes(payload) == [(field, "INVALID")]
    assert await _state(session) == before


async def test_only_pmo_staff_plan_milestones(session: AsyncSession, world: World) -> None:
    before = await _state(session)
    for viewer in (world.alpha_executive, world.subcontractor):
        answers = [await data_of(session, viewer, CREATE, input={
            "projectId": global_id("Project", project_id), "name": "Pilot", "baselineDate": "2026-08-01"})
            for project_id in (world.a1.id, world.b1.id, 999_999)]
        assert answers[0] == answers[1] == answers[2]
        assert _codes(answers[0]["createMilestone"]) == [(None, "FORBIDDEN")]
    missing = {"projectId": global_id("Project", 999_999), "name": "Pilot", "baselineDate": "2026-08-01"}
    payload = (await data_of(session, world.staff, CREATE, input=missing))["createMilestone"]
    assert _codes(payload) == [("projectId", "NOT_FOUND")]
    assert await _state(session) == before


async def test_an_assigned_subcontractor_reports_progress(session: AsyncSession, world: World) -> None:
    payload = await _update(session, world.subcontractor, world.build.id, percentComplete=80, forecastDate="2026-05-10")
    assert payload["userErrors"] == [] and payload["milestone"]["percentComplete"] == 80
    submitted = await _update(session, world.subcontractor, world.build.id, status="SUBMITTED")
    assert submitted["milestone"]["status"] == "SUBMITTED" and submitted["milestone"]["percentComplete"] == 100
    assert submitted["milestone"]["completedDate"] == datetime.now(UTC).date().isoformat()
    events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "milestone.update")
                                            .order_by(AuditEvent.id))).all()
    assert [event.details for event in events][0] == {"percent_complete": 80, "forecast_date": "2026-05-10"}
    assert events[1].details["status"] == "SUBMITTED"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": "Renamed"}, "name", "FORBIDDEN"),
        ({"percentComplete": 90, "baselineDate": "2026-05-02"}, "baselineDate", "FORBIDDEN"),
        ({"plannedValue": "1.00"}, "plannedValue", "FORBIDDEN"),
        ({"status": "ACCEPTED"}, "status", "FORBIDDEN"),
        ({"status": "REJECTED"}, "status", "FORBIDDEN"),
        ({"percentComplete": 101}, "percentComplete", "INVALID"),
    ],
)
async def test_a_subcontractor_changes_progress_only(
    session: AsyncSession, world: World, changes: dict, field: str, code: str
) -> None:
    before = await _state(session)
    payload = await _update(session, world.subcontractor, world.build.id, **changes)
    assert payload["milestone"] is None and _codes(payload) == [(field, code)]
    assert await _state(session) == before


async def test_an_accepted_milestone_takes_no_more_progress(session: AsyncSession, world: World) -> None:
    payload = await _update(session, world.subcontractor, world.kickoff.id, status="IN_PROGRESS", percentComplete=50)
    assert _codes(payload) == [("status", "CONFLICT")]


async def test_a_client_accepts_a_submitted_deliverable(session: AsyncSession, world: World) -> None:
    payload = await _update(session, world.alpha_executive, world.design.id, status="ACCEPTED")
    assert payload["userErrors"] == []
    accepted_at = datetime.fromisoformat(payload["milestone"]["acceptedAt"])
    assert accepted_at.utcoffset() == timedelta(0) and datetime.now(UTC) - accepted_at < timedelta(minutes=1)
    assert payload["milestone"]["completedDate"] == "2026-03-14"
    row = await session.get(Milestone, world.design.id)
    assert row.accepted_by_id == world.alpha_executive.user_id
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "milestone.update"))
    assert event.details["status"] == "ACCEPTED" and event.actor_user_id == world.alpha_executive.user_id


async def test_a_client_rejects_a_submitted_deliverable(session: AsyncSession, world: World) -> None:
    payload = await _update(session, world.alpha_contact, world.design.id, status="REJECTED")
    assert payload["userErrors"] == []
    assert payload["milestone"] == {"name": "Design document", "status": "REJECTED", "forecastDate": "2026-03-15",
                                    "completedDate": None, "percentComplete": 100, "acceptedAt": None}
    again = await _update(session, world.subcontractor, world.design.id, status="IN_PROGRESS", percentComplete=90)
    assert again["milestone"]["status"] == "IN_PROGRESS"


@pytest.mark.parametrize(
    ("milestone", "changes", "field", "code"),
    [
        ("design", {"percentComplete": 90}, "percentComplete", "FORBIDDEN"),
        ("design", {"status": "ACCEPTED", "name": "Approved design"}, "name", "FORBIDDEN"),
        ("design", {"status": "ACCEPTED", "forecastDate": "2026-03-20"}, "forecastDate", "FORBIDDEN"),
        ("design", {"status": "IN_PROGRESS"}, "status", "FORBIDDEN"),
        ("build", {"status": "ACCEPTED"}, "status", "CONFLICT"),
        ("kickoff", {"status": "REJECTED"}, "status", "CONFLICT"),
    ],
)
async def test_a_client_only_accepts_or_rejects_what_was_submitted(
    session: AsyncSession, world: World, milestone: str, changes: dict, field: str, code: str
) -> None:
    before = await _state(session)
    payload = await _update(session, world.alpha_executive, getattr(world, milestone).id, **changes)
    assert payload["milestone"] is None and _codes(payload) == [(field, code)]
    assert await _state(session) == before


async def test_other_clients_and_unassigned_milestones_answer_like_missing_ones(
    session: AsyncSession, world: World
) -> None:
    before = await _state(session)
    cases = [(world.beta_contact, world.design.id, {"status": "ACCEPTED"}),
             (world.idle_subcontractor, world.build.id, {"percentComplete": 90}),
             (world.subcontractor, world.a2_milestone.id, {"percentComplete": 90}),
             (world.alpha_executive, world.b1_milestone.id, {"status": "ACCEPTED"})]
    for viewer, milestone_id, changes in cases:
        hidden = await _update(session, viewer, milestone_id, **changes)
        missing = await _update(session, viewer, 999_999, **changes)
        assert hidden == missing == {"milestone": None, "userErrors": [
            {"field": ["input", "id"], "message": "no such milestone", "code": "NOT_FOUND"}]}
    assert await _state(session) == before


async def test_pmo_staff_change_anything_and_acceptance_is_an_event(session: AsyncSession, world: World) -> None:
    # Services now record their events in the outbox instead of returning them (the reactions run after commit).
    replanned = await _update(session, world.staff, world.launch.id, name="Go-live", baselineDate="2026-10-01",
                              plannedValue="75000.25")
    assert replanned["userErrors"] == [] and replanned["milestone"]["name"] == "Go-live"
    accept = MilestoneFields(status=MilestoneStatus.ACCEPTED)
    changed = await milestone_service.update_milestone(session, principal=world.staff, milestone_id=world.build.id,
                                                       fields=accept)
    assert changed.status is MilestoneStatus.ACCEPTED and changed.completed_date is not None
    assert await recorded(session, MilestoneDecided) == [MilestoneDecided(
        milestone_id=world.build.id, project_id=world.a1.id, client_id=world.alpha.id,
        milestone_kind=MilestoneKind.MILESTONE.value, decision="ACCEPTED", actor_user_id=world.manager.id)]
    await milestone_service.update_milestone(session, principal=world.staff, milestone_id=world.build.id,
                                             fields=accept)
    assert len(await recorded(session, MilestoneDecided)) == 1
    reopened = await milestone_service.update_milestone(
        session, principal=world.staff, milestone_id=world.build.id,
        fields=MilestoneFields(status=MilestoneStatus.IN_PROGRESS, percent_complete=70))
    assert (reopened.accepted_at, reopened.accepted_by_id, reopened.completed_date) == (None, None, None)


async def test_a_client_acceptance_through_the_service_is_an_event(session: AsyncSession, world: World) -> None:
    await milestone_service.update_milestone(session, principal=world.alpha_executive, milestone_id=world.design.id,
                                             fields=MilestoneFields(status=MilestoneStatus.ACCEPTED))
    [accepted] = await recorded(session, MilestoneDecided)
    assert (accepted.milestone_kind, accepted.decision) == (MilestoneKind.DELIVERABLE.value, "ACCEPTED")
    rejected = await milestone_service.update_milestone(session, principal=world.beta_contact,
                                                        milestone_id=world.b1_milestone.id,
                                                        fields=MilestoneFields(status=MilestoneStatus.REJECTED))
    [_, decided] = await recorded(session, MilestoneDecided)
    assert decided.decision == "REJECTED" and rejected.completed_date is None
