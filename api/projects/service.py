"""Projects within the caller's tenancy: reading them, and the PMO's changes to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.changes import apply_changes, record_change
from api.auth.people import find_pmo_person
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Conflict, NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate, paginate_children
from api.organizations.models import Organization, OrganizationKind
from api.projects import cost_service
from api.projects.events import ProjectChanged, ProjectClosed
from api.projects.models import Assignment, EarningRule, Health, Project, ProjectPhase, ProjectStatus
from api.projects.rules import (
    check_code,
    check_currency,
    check_percent,
    check_text,
    parse_amount,
)

PROJECT_ORDER = [Project.code, Project.id]
NEW_PROJECT_DEFAULTS: dict[str, Any] = {
    "summary": "",
    "status": ProjectStatus.PLANNED,
    "phase": ProjectPhase.INITIATION,
    "currency": "USD",
    "budget_at_completion": Decimal("0"),
    "actual_cost": Decimal("0"),
    "financials_shared": False,
    "percent_complete": 0,
}


async def list_projects(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageRequest,
    client_id: int | None = None,
    status: ProjectStatus | None = None,
    health: Health | None = None,
) -> Page[Project]:
    """Projects the principal may see, by code, with optional filters."""
    statement = _filtered(principal, status=status, health=health)
    if client_id is not None:
        statement = statement.where(Project.client_id == client_id)
    return await paginate(session, statement, key=PROJECT_ORDER, page=page)


async def project_pages_by_client(
    session: AsyncSession,
    *,
    principal: Principal,
    client_ids: Sequence[int],
    page: PageRequest,
    status: ProjectStatus | None = None,
    health: Health | None = None,
) -> list[Page[Project]]:
    """One page of visible projects per client, in one query for all of them."""
    return await paginate_children(
        session,
        _filtered(principal, status=status, health=health),
        entity=Project,
        parent=Project.client_id,
        parent_ids=client_ids,
        key=PROJECT_ORDER,
        page=page,
    )


def _filtered(principal: Principal, *, status: ProjectStatus | None, health: Health | None) -> Select[tuple[Project]]:
    statement = scoped(select(Project), Project, principal)
    if status is not None:
        statement = statement.where(Project.status == status)
    if health is not None:
        statement = statement.where(Project.health_overall == health)
    return statement


async def projects_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[Project | None]:
    """Projects for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(scoped(select(Project), Project, principal).where(Project.id.in_(ids)))
    return in_order(rows, ids)


async def get_project(session: AsyncSession, *, principal: Principal, project_id: int, field: str) -> Project:
    """The visible project `project_id`, or NotFound against `field` (hidden and missing alike)."""
    project = await session.scalar(scoped(select(Project), Project, principal).where(Project.id == project_id))
    if project is None:
        raise NotFound("no such project", field=field)
    return project


async def is_assigned(session: AsyncSession, principal: Principal, *, project_id: int) -> bool:
    """Whether one of the principal's subcontractor organizations is assigned to the project."""
    if not principal.subcontractor_ids:
        return False
    statement = scoped(select(Assignment.id), Assignment, principal).where(
        Assignment.project_id == project_id, Assignment.organization_id.in_(principal.subcontractor_ids))
    return await session.scalar(statement.limit(1)) is not None


@dataclass(frozen=True)
class ProjectFields:
    """Project fields to set; None leaves a field as it is (or at its default on a new project)."""

    code: str | None = None
    name: str | None = None
    summary: str | None = None
    status: ProjectStatus | None = None
    phase: ProjectPhase | None = None
    start_date: date | None = None
    end_date: date | None = None
    currency: str | None = None
    budget_at_completion: str | None = None
    actual_cost: str | None = None
    financials_shared: bool | None = None
    percent_complete: int | None = None
    earning_rule: EarningRule | None = None
    health_overall: Health | None = None
    health_schedule: Health | None = None
    health_cost: Health | None = None
    health_scope: Health | None = None
    health_quality: Health | None = None
    manager_email: str | None = None


async def create_project(session: AsyncSession, *, principal: Principal, client_id: int,
                         fields: ProjectFields) -> Project:
    """Create a project for a client (PMO staff); it may start in any status but CLOSED."""
    require_pmo_staff(principal)
    client = await session.scalar(scoped(select(Organization), Organization, principal).where(
        Organization.id == client_id, Organization.kind == OrganizationKind.CLIENT))
    if client is None:
        raise NotFound("no such client", field="clientId")
    validator = Validator()
    for field, value in (("code", fields.code), ("name", fields.name), ("startDate", fields.start_date),
                         ("endDate", fields.end_date)):
        validator.check(value is not None, field, f"{field} is required")
    validator.check(fields.status is not ProjectStatus.CLOSED, "status",
                    "a new project cannot start CLOSED; close it with updateProject")
    values = {**NEW_PROJECT_DEFAULTS, **await _checked_values(session, validator, fields=fields, current=None)}
    await _check_code_free(session, client_id=client.id, code=values["code"], project_id=None)
    opening = values.pop("actual_cost", Decimal("0"))
    project = Project(client_id=client.id, **values)
    session.add(project)
    await session.flush()
    if opening:
        await cost_service.add_entry(session, principal=principal, project=project, period_end=utcnow().date(),
                                     amount=opening, note=cost_service.OPENING_NOTE)
    await record_change(session, principal=principal, action="project.create", row=project, client_id=client.id,
                        changed=values | {"actual_cost": opening})
    record_event(session, ProjectChanged(client_id=client.id, actor_user_id=principal.user_id, project_id=project.id,
                                         created=True, fields=sorted(values)))
    return project


async def update_project(session: AsyncSession, *, principal: Principal, project_id: int,
                         fields: ProjectFields) -> Project:
    """Change a project (PMO staff); closing it records ProjectClosed."""
    require_pmo_staff(principal)
    project = await get_project(session, principal=principal, project_id=project_id, field="id")
    validator = Validator()
    validator.check(fields.actual_cost is None, "actualCostToDate",
                    "actual cost is recorded period by period with recordActualCost; the cost to date is their sum")
    values = await _checked_values(session, validator, fields=fields, current=project)
    if values.get("code", project.code) != project.code:
        await _check_code_free(session, client_id=project.client_id, code=values["code"], project_id=project.id)
    was_closed = project.status is ProjectStatus.CLOSED
    changed = apply_changes(project, values)
    await session.flush()
    await record_change(session, principal=principal, action="project.update", row=project,
                        client_id=project.client_id, changed=changed)
    if changed:
        record_event(session, ProjectChanged(client_id=project.client_id, actor_user_id=principal.user_id,
                                             project_id=project.id, created=False, fields=sorted(changed)))
    if not was_closed and project.status is ProjectStatus.CLOSED:
        record_event(session, ProjectClosed(client_id=project.client_id, actor_user_id=principal.user_id,
                                            project_id=project.id))
    return project


async def _checked_values(session: AsyncSession, validator: Validator, *, fields: ProjectFields,
                          current: Project | None) -> dict[str, Any]:
    """The column values `fields` sets, once every rule holds; ValidationFailed lists each broken one."""
    check_code(validator, fields.code)
    check_text(validator, fields.name, "name")
    check_percent(validator, fields.percent_complete)
    check_currency(validator, fields.currency)
    budget = parse_amount(validator, fields.budget_at_completion, "budgetAtCompletion")
    actual = parse_amount(validator, fields.actual_cost, "actualCostToDate")
    start = fields.start_date or (current.start_date if current else None)
    end = fields.end_date or (current.end_date if current else None)
    if start is not None and end is not None:
        validator.check(start <= end, "endDate", "endDate must not be before startDate")
    manager_id = None
    if fields.manager_email is not None:
        manager = await find_pmo_person(session, email=fields.manager_email)
        manager_id = manager.id if manager else None
        validator.check(manager_id is not None, "managerEmail", "the manager must be an active PMO staff member")
    validator.raise_if_any()
    values = {
        "code": fields.code,
        "name": fields.name.strip() if fields.name is not None else None,
        "summary": fields.summary.strip() if fields.summary is not None else None,
        "status": fields.status,
        "phase": fields.phase,
        "start_date": fields.start_date,
        "end_date": fields.end_date,
        "currency": fields.currency,
        "budget_at_completion": budget,
        "actual_cost": actual,
        "financials_shared": fields.financials_shared,
        "percent_complete": fields.percent_complete,
        "earning_rule": fields.earning_rule,
        "health_overall": fields.health_overall,
        "health_schedule": fields.health_schedule,
        "health_cost": fields.health_cost,
        "health_scope": fields.health_scope,
        "health_quality": fields.health_quality,
        "manager_id": manager_id,
    }
    return {name: value for name, value in values.items() if value is not None}


async def _check_code_free(session: AsyncSession, *, client_id: int, code: str, project_id: int | None) -> None:
    statement = select(Project.id).where(Project.client_id == client_id, Project.code == code)
    if project_id is not None:
        statement = statement.where(Project.id != project_id)
    if await session.scalar(statement) is not None:
        raise Conflict(f"the code {code!r} is taken for this client", field="code")
