"""createProject and updateProject: PMO staff only, every rule a userError, nothing changed on refusal, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth.models import Role
from api.organizations.models import OrganizationKind
from api.projects import service as project_service
from api.projects.events import ProjectClosed
from api.projects.models import Project, ProjectStatus
from api.projects.service import ProjectFields
from tests.api.projects.conftest import World, count_rows, global_id
from tests.fixtures.events import recorded
from tests.fixtures.factories import make_organization, make_user
from tests.fixtures.graphql import data_of

CREATE = """
mutation($input: CreateProjectInput!) { createProject(input: $input) {
  project { id code name status phase startDate endDate financialsShared percentComplete health { overall cost }
            financials { budgetAtCompletion { amount currency } actualCostToDate { amount } } manager { name }
            client { slug } }
  userErrors { field message code }
} }"""
UPDATE = """
mutation($input: UpdateProjectInput!) { updateProject(input: $input) {
  project { code name status endDate updatedAt health { overall schedule }
            financials { budgetAtCompletion { amount currency } } }
  userErrors { field message code }
} }"""


def _new(world: World, **overrides: object) -> dict:
    values = {"clientId": global_id("Client", world.alpha.id), "code": "A-NEW", "name": "Records digitization",
              "startDate": "2026-04-01", "endDate": "2027-03-31"}
    return {**values, **overrides}


async def _state(session: AsyncSession) -> tuple[int, int]:
    return await count_rows(session, Project), await count_rows(session, AuditEvent)


async def test_pmo_staff_create_a_project_with_defaults_and_an_audit_event(session: AsyncSession, world: World) -> None:
    new = _new(world, budgetAtCompletion="250000.5", currency="EUR", managerEmail="Dana.Reyes@pmo.example",
               health={"cost": "AMBER"}, phase="PLANNING")
    payload = (await data_of(session, world.staff, CREATE, input=new))["createProject"]
    assert payload["userErrors"] == []
    project = payload["project"]
    assert project["code"] == "A-NEW" and project["client"] == {"slug": "alpha"}
    assert (project["status"], project["phase"], project["percentComplete"]) == ("PLANNED", "PLANNING", 0)
    assert project["health"] == {"overall": "GREEN", "cost": "AMBER"} and project["financialsShared"] is False
    assert project["financials"] == {"budgetAtCompletion": {"amount": "250000.50", "currency": "EUR"},
                                     "actualCostToDate": {"amount": "0.00"}}
    assert project["manager"] == {"name": "Dana Reyes"}
    row = await session.scalar(select(Project).where(Project.code == "A-NEW"))
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "project.create"))
    assert (event.object_type, event.object_id, event.organization_id) == ("Project", row.id, world.alpha.id)
    assert event.actor_user_id == world.manager.id and event.details["budget_at_completion"] == "250000.5"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "a-new"}, "code"),
        ({"code": "-A"}, "code"),
        ({"code": "X"}, "code"),
        ({"name": "   "}, "name"),
        ({"name": "N" * 201}, "name"),
        ({"endDate": "2026-03-31"}, "endDate"),
        ({"percentComplete": 101}, "percentComplete"),
        ({"percentComplete": -1}, "percentComplete"),
        ({"budgetAtCompletion": "-5.00"}, "budgetAtCompletion"),
        ({"budgetAtCompletion": "12.345"}, "budgetAtCompletion"),
        ({"actualCostToDate": "1e6"}, "actualCostToDate"),
        ({"actualCostToDate": "1234567890123"}, "actualCostToDate"),
        ({"currency": "usd"}, "currency"),
        ({"currency": "US"}, "currency"),
        ({"managerEmail": "nobody@example.org"}, "managerEmail"),
        ({"status": "CLOSED"}, "status"),
    ],
)
async def test_each_rule_refuses_a_new_project_and_changes_nothing(
    session: AsyncSession, world: World, overrides: dict, field: str
) -> None:
    before = await _state(session)
    payload = (await data_of(session, world.staff, CREATE, input=_new(world, **overrides)))["createProject"]
    assert payload["project"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(["input", field], "INVALID")]
    assert await _state(session) == before


async def test_every_broken_rule_is_reported_at_once(session: AsyncSession, world: World) -> None:
    new = _new(world, code="bad code", name="", endDate="2020-01-01", currency="dollars", percentComplete=200)
    payload = (await data_of(session, world.staff, CREATE, input=new))["createProject"]
    assert {error["field"][1] for error in payload["userErrors"]} == {"code", "name", "endDate", "currency",
                                                                     "percentComplete"}


async def test_the_manager_must_be_pmo_staff(session: AsyncSession, world: World) -> None:
    client_person = await make_user(session, organization=world.alpha, role=Role.CLIENT_EXECUTIVE,
                                    email="exec@alpha.example")
    payload = (await data_of(session, world.staff, CREATE,
                             input=_new(world, managerEmail=client_person.email)))["createProject"]
    assert payload["userErrors"] == [{"field": ["input", "managerEmail"], "code": "INVALID",
                                      "message": "the manager must be an active PMO staff member"}]


async def test_codes_are_unique_per_client(session: AsyncSession, world: World) -> None:
    taken = (await data_of(session, world.staff, CREATE, input=_new(world, code="A-1")))["createProject"]
    assert taken["userErrors"] == [{"field": ["input", "code"], "code": "CONFLICT",
                                    "message": "the code 'A-1' is taken for this client"}]
    elsewhere = _new(world, code="A-1", clientId=global_id("Client", world.beta.id))
    assert (await data_of(session, world.staff, CREATE, input=elsewhere))["createProject"]["userErrors"] == []


async def test_the_client_must_exist(session: AsyncSession, world: World) -> None:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    before = await _state(session)
    for client_id in (global_id("Client", 999_999), global_id("Client", pmo.id)):
        payload = (await data_of(session, world.staff, CREATE, input=_new(world, clientId=client_id)))["createProject"]
        assert payload == {"project": None, "userErrors": [
            {"field": ["input", "clientId"], "message": "no such client", "code": "NOT_FOUND"}]}
    wrong_type = (await data_of(session, world.staff, CREATE,
                                input=_new(world, clientId=global_id("Project", world.a1.id))))["createProject"]
    assert wrong_type["userErrors"][0]["code"] == "INVALID"
    assert await _state(session) == before


async def test_only_pmo_staff_create_or_update_projects(session: AsyncSession, world: World) -> None:
    before = await _state(session)
    for viewer in (world.alpha_executive, world.alpha_contact, world.subcontractor):
        created = [await data_of(session, viewer, CREATE, input=_new(world, clientId=global_id("Client", client_id)))
                   for client_id in (world.alpha.id, world.beta.id, 999_999)]
        assert created[0] == created[1] == created[2]
        assert created[0]["createProject"]["userErrors"][0]["code"] == "FORBIDDEN"
        own = await data_of(session, viewer, UPDATE, input={"id": global_id("Project", world.a1.id), "name": "X"})
        other = await data_of(session, viewer, UPDATE, input={"id": global_id("Project", world.b1.id), "name": "X"})
        missing = await data_of(session, viewer, UPDATE, input={"id": global_id("Project", 999_999), "name": "X"})
        assert own == other == missing
        assert own["updateProject"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert await _state(session) == before
    await session.refresh(world.a1)
    assert world.a1.name != "X"


async def test_update_changes_given_fields_only_and_audits_them(session: AsyncSession, world: World) -> None:
    change = {"id": global_id("Project", world.a1.id), "name": "Case management, phase 2",
              "health": {"schedule": "RED"}, "budgetAtCompletion": "900000"}
    payload = (await data_of(session, world.staff, UPDATE, input=change))["updateProject"]
    updated_at = datetime.fromisoformat(payload["project"].pop("updatedAt"))
    assert datetime.now(UTC) - updated_at < timedelta(minutes=1)
    assert payload == {"userErrors": [], "project": {
        "code": "A-1", "name": "Case management, phase 2", "status": "ACTIVE", "endDate": "2027-06-30",
        "health": {"overall": "GREEN", "schedule": "RED"},
        "financials": {"budgetAtCompletion": {"amount": "900000.00", "currency": "USD"}}}}
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "project.update"))
    assert event.object_id == world.a1.id and event.organization_id == world.alpha.id
    assert event.details == {"name": "Case management, phase 2", "health_schedule": "RED",
                             "budget_at_completion": "900000"}


async def test_update_checks_dates_against_the_stored_period_and_codes_against_siblings(
    session: AsyncSession, world: World
) -> None:
    before = await _state(session)
    early_end = {"id": global_id("Project", world.a1.id), "endDate": "2025-12-31"}
    payload = (await data_of(session, world.staff, UPDATE, input=early_end))["updateProject"]
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(["input", "endDate"], "INVALID")]
    clash = {"id": global_id("Project", world.a1.id), "code": "A-2"}
    payload = (await data_of(session, world.staff, UPDATE, input=clash))["updateProject"]
    assert payload["userErrors"][0]["code"] == "CONFLICT"
    missing = {"id": global_id("Project", 999_999), "name": "X"}
    payload = (await data_of(session, world.staff, UPDATE, input=missing))["updateProject"]
    assert payload["userErrors"] == [{"field": ["input", "id"], "message": "no such project", "code": "NOT_FOUND"}]
    assert await _state(session) == before
    await session.refresh(world.a1)
    assert (world.a1.end_date, world.a1.code) == (date(2027, 6, 30), "A-1")


async def test_closing_a_project_raises_project_closed_once(session: AsyncSession, world: World) -> None:
    # The service records ProjectClosed in the outbox now, instead of returning it.
    close = ProjectFields(status=ProjectStatus.CLOSED, percent_complete=100)
    changed = await project_service.update_project(session, principal=world.staff, project_id=world.a1.id,
                                                   fields=close)
    assert changed.status is ProjectStatus.CLOSED
    assert await recorded(session, ProjectClosed) == [
        ProjectClosed(project_id=world.a1.id, client_id=world.alpha.id, actor_user_id=world.staff.user_id)]
    await project_service.update_project(session, principal=world.staff, project_id=world.a1.id, fields=close)
    await project_service.update_project(session, principal=world.staff, project_id=world.a2.id,
                                         fields=ProjectFields(name="Renamed"))
    assert len(await recorded(session, ProjectClosed)) == 1
