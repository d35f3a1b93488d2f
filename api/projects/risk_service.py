"""Risks and issues: reading a project's register within the caller's tenancy, and the PMO's changes to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
from api.projects.events import RiskChanged
from api.projects.models import Risk, RiskKind, RiskStatus, Visibility
from api.projects.permissions import check_risk_report
from api.projects.rules import check_scale, check_text, risk_severity

RISK_ORDER = [Risk.raised_on, Risk.id]
NEW_RISK_DEFAULTS: dict[str, Any] = {
    "kind": RiskKind.RISK,
    "description": "",
    "mitigation": "",
    "status": RiskStatus.OPEN,
    "visibility": Visibility.INTERNAL,
}


async def risk_pages_by_project(
    session: AsyncSession,
    *,
    principal: Principal,
    project_ids: Sequence[int],
    page: PageRequest,
    status: RiskStatus | None = None,
    visibility: Visibility | None = None,
) -> list[Page[Risk]]:
    """One page of visible risks per project, most recently raised first, in one query for all of them."""
    statement = scoped(select(Risk), Risk, principal)
    if status is not None:
        statement = statement.where(Risk.status == status)
    if visibility is not None:
        statement = statement.where(Risk.visibility == visibility)
    return await paginate_children(session, statement, entity=Risk, parent=Risk.project_id, parent_ids=project_ids,
                                   key=RISK_ORDER, page=page, descending=True)


async def risks_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[Risk | None]:
    """Risks for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(scoped(select(Risk), Risk, principal).where(Risk.id.in_(ids)))
    return in_order(rows, ids)


@dataclass(frozen=True)
class RiskFields:
    """Risk fields to set; None leaves a field as it is (or at its default on a new risk)."""

    kind: RiskKind | None = None
    title: str | None = None
    description: str | None = None
    probability: int | None = None
    impact: int | None = None
    owner_name: str | None = None
    mitigation: str | None = None
    status: RiskStatus | None = None
    visibility: Visibility | None = None
    raised_on: date | None = None


async def create_risk(session: AsyncSession, *, principal: Principal, project_id: int, fields: RiskFields) -> Risk:
    """Add a risk or issue to a project's register (PMO staff); INTERNAL unless told otherwise."""
    require_pmo_staff(principal)
    project = await project_service.get_project(session, principal=principal, project_id=project_id, field="projectId")
    validator = Validator()
    for field, value in (("title", fields.title), ("probability", fields.probability), ("impact", fields.impact),
                         ("ownerName", fields.owner_name)):
        validator.check(value is not None, field, f"{field} is required")
    values = {**NEW_RISK_DEFAULTS, "raised_on": utcnow().date(), **_checked_values(validator, fields=fields)}
    values["severity"] = risk_severity(probability=values["probability"], impact=values["impact"])
    risk = Risk(project_id=project.id, **values)
    session.add(risk)
    await session.flush()
    await record_change(session, principal=principal, action="risk.create", row=risk, client_id=project.client_id,
                        changed=values)
    _record_risk_event(session, risk, principal=principal, client_id=project.client_id, created=True, changed=values)
    return risk


async def update_risk(session: AsyncSession, *, principal: Principal, risk_id: int, fields: RiskFields) -> Risk:
    """Change a risk or issue (PMO staff); its severity follows its probability and impact."""
    require_pmo_staff(principal)
    risk = (await risks_by_ids(session, principal=principal, ids=[risk_id]))[0]
    if risk is None:
        raise NotFound("no such risk", field="id")
    project = await project_service.get_project(session, principal=principal, project_id=risk.project_id, field="id")
    values = _checked_values(Validator(), fields=fields)
    values["severity"] = risk_severity(probability=values.get("probability", risk.probability),
                                       impact=values.get("impact", risk.impact))
    changed = apply_changes(risk, values)
    await session.flush()
    await record_change(session, principal=principal, action="risk.update", row=risk, client_id=project.client_id,
                        changed=changed)
    if changed:
        _record_risk_event(session, risk, principal=principal, client_id=project.client_id, created=False,
                           changed=changed)
    return risk


async def report_risk(session: AsyncSession, *, principal: Principal, risk_id: int, status: RiskStatus | None,
                      mitigation: str | None) -> Risk:
    """Report where a risk stands, its status and mitigation, as staff or as a subcontractor on its project."""
    risk = (await risks_by_ids(session, principal=principal, ids=[risk_id]))[0]
    if risk is None:
        raise NotFound("no such risk", field="id")
    project = await project_service.get_project(session, principal=principal, project_id=risk.project_id, field="id")
    check_risk_report(principal, assigned=await project_service.is_assigned(session, principal,
                                                                           project_id=project.id))
    values = _checked_values(Validator(), fields=RiskFields(status=status, mitigation=mitigation))
    changed = apply_changes(risk, values)
    await session.flush()
    await record_change(session, principal=principal, action="risk.report", row=risk, client_id=project.client_id,
                        changed=changed)
    if changed:
        _record_risk_event(session, risk, principal=principal, client_id=project.client_id, created=False,
                           changed=changed)
    return risk


def _record_risk_event(session: AsyncSession, risk: Risk, *, principal: Principal, client_id: int, created: bool,
                       changed: dict[str, Any]) -> None:
    record_event(session, RiskChanged(client_id=client_id, actor_user_id=principal.user_id, risk_id=risk.id,
                                      project_id=risk.project_id, created=created,
                                      visibility=risk.visibility.value, fields=sorted(changed)))


def _checked_values(validator: Validator, *, fields: RiskFields) -> dict[str, Any]:
    """The column values `fields` sets, once every rule holds; ValidationFailed lists each broken one."""
    check_text(validator, fields.title, "title")
    check_text(validator, fields.owner_name, "ownerName")
    check_scale(validator, fields.probability, "probability")
    check_scale(validator, fields.impact, "impact")
    validator.raise_if_any()
    values = {name: value for name, value in asdict(fields).items() if value is not None}
    for name in ("title", "owner_name"):
        if name in values:
            values[name] = values[name].strip()
    return values
