"""Milestones and deliverables: reading them within the caller's tenancy, planning and progressing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.audit.changes import apply_changes, record_change
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate_children
from api.projects import service as project_service
from api.projects.events import (
    MilestoneChanged,
    MilestoneDecided,
    MilestoneProgressReported,
    MilestoneSubmitted,
)
from api.projects.models import (
    Milestone,
    MilestoneKind,
    MilestoneProgress,
    MilestoneStatus,
    Project,
)
from api.projects.permissions import DECISIONS, check_milestone_change
from api.projects.rules import check_percent, check_text, parse_amount

MILESTONE_ORDER = [Milestone.forecast_date, Milestone.id]
DONE = frozenset({MilestoneStatus.SUBMITTED, MilestoneStatus.ACCEPTED})
PROGRESS = frozenset({"percent_complete", "forecast_date", "status", "completed_date"})  # what progress reports move
INPUT_NAMES = {"baseline_date": "baselineDate", "forecast_date": "forecastDate", "completed_date": "completedDate",
               "planned_value": "plannedValue", "percent_complete": "percentComplete"}


async def milestone_pages_by_project(
    session: AsyncSession,
    *,
    principal: Principal,
    project_ids: Sequence[int],
    page: PageRequest,
    status: MilestoneStatus | None = None,
    kind: MilestoneKind | None = None,
) -> list[Page[Milestone]]:
    """One page of visible milestones per project, by forecast date, in one query for all of them."""
    statement = scoped(select(Milestone), Milestone, principal)
    if status is not None:
        statement = statement.where(Milestone.status == status)
    if kind is not None:
        statement = statement.where(Milestone.kind == kind)
    return await paginate_children(session, statement, entity=Milestone, parent=Milestone.project_id,
                                   parent_ids=project_ids, key=MILESTONE_ORDER, page=page)


async def milestones_by_ids(session: AsyncSession, *, principal: Principal,
                            ids: Sequence[int]) -> list[Milestone | None]:
    """Milestones for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(scoped(select(Milestone), Milestone, principal).where(Milestone.id.in_(ids)))
    return in_order(rows, ids)


async def next_milestones(session: AsyncSession, *, principal: Principal,
                          project_ids: Sequence[int]) -> list[Milestone | None]:
    """Per project, the visible milestone not yet accepted with the earliest forecast date, in one query."""
    position = func.row_number().over(partition_by=Milestone.project_id, order_by=MILESTONE_ORDER).label("position")
    ranked = (
        scoped(select(Milestone), Milestone, principal)
        .where(Milestone.project_id.in_(project_ids), Milestone.status != MilestoneStatus.ACCEPTED)
        .add_columns(position)
        .subquery()
    )
    rows = await session.scalars(select(aliased(Milestone, ranked)).where(ranked.c.position == 1))
    return in_order(rows, project_ids, by="project_id")


@dataclass(frozen=True)
class MilestoneFields:
    """Milestone fields to set; None leaves a field as it is (or at its default on a new milestone)."""

    kind: MilestoneKind | None = None
    name: str | None = None
    description: str | None = None
    baseline_date: date | None = None
    forecast_date: date | None = None
    completed_date: date | None = None
    status: MilestoneStatus | None = None
    planned_value: str | None = None
    percent_complete: int | None = None

    def given(self) -> list[str]:
        """The input names of the fields this change sets."""
        return [INPUT_NAMES.get(name, name) for name, value in asdict(self).items() if value is not None]


async def create_milestone(session: AsyncSession, *, principal: Principal, project_id: int,
                           fields: MilestoneFields) -> Milestone:
    """Plan a milestone or deliverable on a project (PMO staff); acceptance comes later, by update."""
    require_pmo_staff(principal)
    project = await project_service.get_project(session, principal=principal, project_id=project_id, field="projectId")
    validator = Validator()
    validator.check(fields.name is not None, "name", "name is required")
    validator.check(fields.baseline_date is not None, "baselineDate", "baselineDate is required")
    validator.check(fields.status not in DECISIONS, "status",
                    "a new milestone cannot start ACCEPTED or REJECTED; the client decides on a submitted one")
    milestone = Milestone(project_id=project.id, kind=MilestoneKind.MILESTONE, description="",
                          status=MilestoneStatus.NOT_STARTED, percent_complete=0)
    values = _checked_values(validator, fields=fields, current=None, project=project, principal=principal)
    values.setdefault("forecast_date", values["baseline_date"])
    apply_changes(milestone, values)
    session.add(milestone)
    await session.flush()
    _keep_progress(session, milestone)
    await record_change(session, principal=principal, action="milestone.create", row=milestone,
                        client_id=project.client_id, changed=values)
    record_event(session, MilestoneChanged(client_id=project.client_id, actor_user_id=principal.user_id,
                                           milestone_id=milestone.id, project_id=project.id, created=True,
                                           fields=sorted(values)))
    return milestone


async def update_milestone(session: AsyncSession, *, principal: Principal, milestone_id: int,
                           fields: MilestoneFields) -> Milestone:
    """Change a milestone as the principal's role allows, recording what the change means as events."""
    milestone = (await milestones_by_ids(session, principal=principal, ids=[milestone_id]))[0]
    if milestone is None:
        raise NotFound("no such milestone", field="id")
    project = await project_service.get_project(session, principal=principal, project_id=milestone.project_id,
                                                field="id")
    check_milestone_change(principal, milestone=milestone, client_id=project.client_id, given=fields.given(),
                           status=fields.status, assigned=await project_service.is_assigned(session, principal, project_id=project.id))
    values = _checked_values(Validator(), fields=fields, current=milestone, project=project, principal=principal)
    changed = apply_changes(milestone, values)
    if changed.keys() & {"percent_complete", "status"}:
        _keep_progress(session, milestone)
    await session.flush()
    await record_change(session, principal=principal, action="milestone.update", row=milestone,
                        client_id=project.client_id, changed=changed)
    _record_milestone_events(session, milestone, changed, principal=principal, client_id=project.client_id)
    return milestone


def _keep_progress(session: AsyncSession, milestone: Milestone) -> None:
    """Keep the milestone's percent complete and status from today on, for earned value as of any date."""
    session.add(MilestoneProgress(milestone_id=milestone.id, project_id=milestone.project_id,
                                  effective_on=utcnow().date(), percent_complete=milestone.percent_complete,
                                  status=milestone.status))


def _record_milestone_events(session: AsyncSession, milestone: Milestone, changed: dict[str, Any], *,
                             principal: Principal, client_id: int) -> None:
    """What the change means: progress reported, work submitted or decided, or the plan changed."""
    who = {"client_id": client_id, "actor_user_id": principal.user_id, "milestone_id": milestone.id,
           "project_id": milestone.project_id}
    if changed.get("status") is MilestoneStatus.SUBMITTED:
        record_event(session, MilestoneSubmitted(**who, milestone_kind=milestone.kind.value))
    elif changed.get("status") in DECISIONS:
        record_event(session, MilestoneDecided(**who, milestone_kind=milestone.kind.value,
                                               decision=milestone.status.value))
    elif changed.keys() & PROGRESS:
        record_event(session, MilestoneProgressReported(
            **who, percent_complete=milestone.percent_complete, status=milestone.status.value))
    if changed.keys() - PROGRESS - {"accepted_at", "accepted_by_id"}:
        record_event(session, MilestoneChanged(**who, created=False, fields=sorted(changed)))


def _checked_values(validator: Validator, *, fields: MilestoneFields, current: Milestone | None, project: Project,
                    principal: Principal) -> dict[str, Any]:
    """The column values the change sets, with what a status change implies; ValidationFailed on any broken rule."""
    check_text(validator, fields.name, "name")
    check_percent(validator, fields.percent_complete)
    planned_value = parse_amount(validator, fields.planned_value, "plannedValue")
    if fields.baseline_date is not None:
        validator.check(project.start_date <= fields.baseline_date <= project.end_date, "baselineDate",
                        "baselineDate must fall within the project's period of performance")
    if fields.forecast_date is not None:
        validator.check(fields.forecast_date >= project.start_date, "forecastDate",
                        "forecastDate must not be before the project starts")
    if fields.completed_date is not None:
        validator.check(fields.completed_date >= project.start_date, "completedDate",
                        "completedDate must not be before the project starts")
    status = fields.status or (current.status if current else MilestoneStatus.NOT_STARTED)
    if status in DONE:
        validator.check(fields.percent_complete in (None, 100), "percentComplete",
                        "a submitted or accepted milestone is 100% complete")
    else:
        validator.check(fields.completed_date is None, "completedDate",
                        "only a submitted or accepted milestone has a completion date")
    validator.raise_if_any()
    values = {name: value for name, value in asdict(fields).items() if value is not None}
    if fields.name is not None:
        values["name"] = fields.name.strip()
    if planned_value is not None:
        values["planned_value"] = planned_value
    values.update(_status_effects(status, current=current, completed_date=fields.completed_date, principal=principal))
    return values


def _status_effects(status: MilestoneStatus, *, current: Milestone | None, completed_date: date | None,
                    principal: Principal) -> dict[str, Any]:
    """What the milestone's status implies: completion for done work, acceptance for accepted work."""
    effects: dict[str, Any] = {"status": status}
    if status in DONE:
        effects["percent_complete"] = 100
        effects["completed_date"] = completed_date or (current and current.completed_date) or utcnow().date()
    else:
        effects["completed_date"] = None
    if status is MilestoneStatus.ACCEPTED and (current is None or current.status is not MilestoneStatus.ACCEPTED):
        effects["accepted_at"], effects["accepted_by_id"] = utcnow(), principal.user_id
    elif status is not MilestoneStatus.ACCEPTED:
        effects["accepted_at"], effects["accepted_by_id"] = None, None
    return effects
