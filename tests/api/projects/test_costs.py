"""Recording actual cost: PMO staff only, by period, corrected by amendment and never edited, audited, and the
project's cost to date always the sum of the entries that stand."""

from __future__ import annotations

import asyncio
import base64
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.audit.models import AuditEvent
from api.auth.models import Role
from api.kit.columns import utcnow
from api.organizations.models import OrganizationKind
from api.projects import cost_service
from api.projects.models import ActualCost, MilestoneProgress, MilestoneStatus, Project
from tests.fixtures.factories import make_client, make_milestone, make_organization, make_project
from tests.fixtures.graphql import data_of, global_id, principal

RECORD = """mutation($input: RecordActualCostInput!) { recordActualCost(input: $input) {
  actualCost { id periodEnd amount { amount currency } note superseded amends { id } }
  userErrors { field code message } } }"""


@pytest.fixture
async def setting(session: AsyncSession) -> tuple:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    client = await make_client(session, slug="harbor", name="Harbor Authority")
    project = await make_project(session, client=client, actual_cost=Decimal("0"), currency="EUR")
    other = await make_project(session, client=client, actual_cost=Decimal("0"))
    return principal(pmo.id, Role.PMO_STAFF), principal(client.id, Role.CLIENT_EXECUTIVE), project, other


async def _record(session: AsyncSession, who, **values) -> dict:
    return (await data_of(session, who, RECORD, input=values))["recordActualCost"]


async def test_entries_add_up_to_the_cost_to_date_and_a_correction_replaces_what_it_amends(
        session: AsyncSession, setting: tuple) -> None:
    staff, _, project, _ = setting
    pid = global_id("Project", project.id)
    first = await _record(session, staff, projectId=pid, periodEnd="2026-01-31", amount="1000.00", note="January")
    second = await _record(session, staff, projectId=pid, periodEnd="2026-02-28", amount="2500.50")
    assert first["userErrors"] == [] and first["actualCost"]["amount"] == {"amount": "1000.00", "currency": "EUR"}
    await session.refresh(project)
    assert project.actual_cost == Decimal("3500.50")
    fixed = await _record(session, staff, projectId=pid, periodEnd="2026-02-28", amount="2050.50",
                          note="The February invoice counted a day twice", amendsId=second["actualCost"]["id"])
    assert fixed["actualCost"]["amends"] == {"id": second["actualCost"]["id"]}
    await session.refresh(project)
    assert project.actual_cost == Decimal("3050.50")
    entries = await data_of(session, staff, """query($id: ID!) { node(id: $id) { ... on Project {
        actualCosts(first: 10) { edges { node { amount { amount } superseded } } } } } }""", id=pid)
    assert [(e["node"]["amount"]["amount"], e["node"]["superseded"])
            for e in entries["node"]["actualCosts"]["edges"]] == [
        ("1000.00", False), ("2500.50", True), ("2050.50", False)]
    again = await _record(session, staff, projectId=pid, periodEnd="2026-02-28", amount="1.00",
                          amendsId=second["actualCost"]["id"])
    assert [error["code"] for error in again["userErrors"]] == ["CONFLICT"]
    actions = list(await session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "ActualCost")
                                         .order_by(AuditEvent.id)))
    assert actions == ["actual_cost.record", "actual_cost.record", "actual_cost.amend"]


@pytest.mark.parametrize(("values", "field", "code"), [
    ({"amount": "12.345"}, "amount", "INVALID"),
    ({"amount": "ten"}, "amount", "INVALID"),
    ({"amount": "-5.00"}, "amount", "INVALID"),  # the cost to date would go below zero
    ({"periodEnd": (utcnow().date() + timedelta(days=400)).isoformat()}, "periodEnd", "INVALID"),
    ({"note": "n" * 2001}, "note", "INVALID"),
])
async def test_bad_input_is_a_typed_error_and_records_nothing(session: AsyncSession, setting: tuple,
                                                              values: dict, field: str, code: str) -> None:
    staff, _, project, _ = setting
    refused = await _record(session, staff, **({"projectId": global_id("Project", project.id),
                                               "periodEnd": "2026-01-31", "amount": "10.00"} | values))
    assert refused["actualCost"] is None
    assert [(error["field"], error["code"]) for error in refused["userErrors"]] == [(["input", field], code)]
    assert list(await session.scalars(select(ActualCost))) == []


async def test_only_pmo_staff_record_and_an_amendment_stays_on_its_project(session: AsyncSession,
                                                                           setting: tuple) -> None:
    staff, executive, project, other = setting
    refused = await _record(session, executive, projectId=global_id("Project", project.id), periodEnd="2026-01-31",
                            amount="10.00")
    assert [error["code"] for error in refused["userErrors"]] == ["FORBIDDEN"]
    entry = await _record(session, staff, projectId=global_id("Project", project.id), periodEnd="2026-01-31",
                          amount="10.00")
    across = await _record(session, staff, projectId=global_id("Project", other.id), periodEnd="2026-01-31",
                           amount="5.00", amendsId=entry["actualCost"]["id"])
    assert [(error["field"], error["code"]) for error in across["userErrors"]] == [(["input", "amendsId"],
                                                                                    "NOT_FOUND")]


UPDATE = """mutation($input: UpdateProjectInput!) { updateProject(input: $input) {
  project { earningRule financials { actualCostToDate { amount } } } userErrors { field code } } }"""
CREATE = """mutation($input: CreateProjectInput!) { createProject(input: $input) {
  project { id financials { actualCostToDate { amount } } } userErrors { field code } } }"""


async def test_the_cost_to_date_is_no_longer_set_by_hand_and_a_new_projects_opening_cost_is_an_entry(
        session: AsyncSession, setting: tuple) -> None:
    staff, _, project, _ = setting
    refused = (await data_of(session, staff, UPDATE, input={"id": global_id("Project", project.id),
                                                            "actualCostToDate": "99.00"}))["updateProject"]
    assert refused["userErrors"] == [{"field": ["input", "actualCostToDate"], "code": "INVALID"}]
    ruled = (await data_of(session, staff, UPDATE, input={"id": global_id("Project", project.id),
                                                          "earningRule": "FIFTY_FIFTY"}))["updateProject"]
    assert ruled["project"]["earningRule"] == "FIFTY_FIFTY"
    created = (await data_of(session, staff, CREATE, input={
        "clientId": global_id("Client", project.client_id), "code": "HB-77", "name": "Berth 77",
        "startDate": "2026-01-01", "endDate": "2026-12-31", "actualCostToDate": "800.00"}))["createProject"]
    assert created["project"]["financials"] == {"actualCostToDate": {"amount": "800.00"}}
    new_id = int(base64.b64decode(created["project"]["id"]).decode().split(":")[1])
    [opening] = list(await session.scalars(select(ActualCost).where(ActualCost.project_id == new_id)))
    assert opening.amount == Decimal("800.00") and opening.note.startswith("Opening balance")


async def test_each_change_of_percent_or_status_is_kept_from_the_day_it_took_effect(session: AsyncSession,
                                                                                    setting: tuple) -> None:
    staff, _, project, _ = setting
    milestone = await make_milestone(session, project=project)
    for values in ({"percentComplete": 60}, {"name": "Renamed"}, {"status": "SUBMITTED"}):
        result = await data_of(session, staff, """mutation($input: UpdateMilestoneInput!) {
            updateMilestone(input: $input) { userErrors { message } } }""",
                               input={"id": global_id("Milestone", milestone.id)} | values)
        assert result["updateMilestone"]["userErrors"] == []
    rows = list(await session.scalars(select(MilestoneProgress).where(MilestoneProgress.milestone_id == milestone.id)
                                      .order_by(MilestoneProgress.id)))
    assert [(row.percent_complete, row.status) for row in rows] == [
        (60, MilestoneStatus.IN_PROGRESS), (100, MilestoneStatus.SUBMITTED)]
    assert all(row.effective_on == utcnow().date() for row in rows)
    assert (await session.get(Project, project.id)).earning_rule.value == "PERCENT_COMPLETE"


async def test_concurrent_entries_all_count_in_the_cost_to_date(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        project = await make_project(session, client=client, actual_cost=Decimal("0"))
        await session.commit()
    staff = principal(pmo.id, Role.PMO_STAFF)

    async def record(n: int) -> None:
        async with sessions() as session:
            await cost_service.record_actual_cost(session, principal=staff, project_id=project.id,
                                                  period_end=date(2026, 1, 31), amount=f"{n}.00")
            await asyncio.sleep(0.05)  # hold the transaction open while the others record theirs
            await session.commit()

    await asyncio.gather(*(record(n) for n in range(1, 9)))
    async with sessions() as session:
        total = (await session.get(Project, project.id)).actual_cost
    assert total == Decimal(sum(range(1, 9)))
