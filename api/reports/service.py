"""Status reports: reading them within the caller's tenancy, drafting, amending and publishing them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Conflict, InvalidInput, NotFound
from api.kit.pagination import Page, PageRequest, paginate, paginate_children
from api.projects import service as project_service
from api.projects.models import Project
from api.reports import snapshot
from api.reports.drafting import (
    ReportFields,
    apply_fields,
    merged_fields,
    validate_fields,
)
from api.reports.events import ReportPublished
from api.reports.models import ReportState, StatusReport

# Newest period first; among reports of one period, the latest written (an amendment after what it amends).
REPORT_ORDER = [StatusReport.period_end, StatusReport.id]


def _visible_reports(principal: Principal, *, state: ReportState | None = None) -> Select[tuple[StatusReport]]:
    statement = scoped(select(StatusReport), StatusReport, principal)
    if state is not None:
        statement = statement.where(StatusReport.state == state)
    return statement


async def list_reports(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageRequest,
    project_id: int | None = None,
    state: ReportState | None = None,
) -> Page[StatusReport]:
    """Reports the principal may see, newest period first, optionally of one project or in one state."""
    statement = _visible_reports(principal, state=state)
    if project_id is not None:
        statement = statement.where(StatusReport.project_id == project_id)
    return await paginate(session, statement, key=REPORT_ORDER, page=page, descending=True)


async def report_pages_by_project(
    session: AsyncSession,
    *,
    principal: Principal,
    project_ids: Sequence[int],
    page: PageRequest,
    state: ReportState | None = None,
) -> list[Page[StatusReport]]:
    """One page of visible reports per project, newest period first, in one query for all of them."""
    return await paginate_children(
        session, _visible_reports(principal, state=state), entity=StatusReport, parent=StatusReport.project_id,
        parent_ids=project_ids, key=REPORT_ORDER, page=page, descending=True,
    )


async def amendment_pages(
    session: AsyncSession, *, principal: Principal, report_ids: Sequence[int], page: PageRequest
) -> list[Page[StatusReport]]:
    """One page of visible amendments per report, newest first, in one query for all of them."""
    return await paginate_children(
        session, _visible_reports(principal), entity=StatusReport, parent=StatusReport.amends_id,
        parent_ids=report_ids, key=REPORT_ORDER, page=page, descending=True,
    )


async def latest_published_by_project(
    session: AsyncSession, *, principal: Principal, project_ids: Sequence[int]
) -> list[StatusReport | None]:
    """Each project's latest published report the principal may see (None where there is none), in one query."""
    pages = await report_pages_by_project(
        session, principal=principal, project_ids=project_ids, page=PageRequest(first=1), state=ReportState.PUBLISHED
    )
    return [page.items[0] if page.items else None for page in pages]


async def reports_by_ids(
    session: AsyncSession, *, principal: Principal, ids: Sequence[int]
) -> list[StatusReport | None]:
    """Reports for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(_visible_reports(principal).where(StatusReport.id.in_(ids)))
    return in_order(rows, ids)


async def create_status_report(
    session: AsyncSession, *, principal: Principal, project_id: int, content: ReportFields, amends_id: int | None = None
) -> StatusReport:
    """Start a draft report of a project; with `amends_id`, an amendment of one of its published reports."""
    project = await _project(session, principal=principal, project_id=project_id)
    require_pmo_staff(principal)
    amended = await _amended(session, principal=principal, report_id=amends_id, project=project)
    wanted = merged_fields(None, content)
    validate_fields(wanted, amended=amended)
    report = StatusReport(project_id=project.id, state=ReportState.DRAFT, author_id=principal.user_id,
                          amends_id=amended.id if amended else None, metrics={})
    apply_fields(report, wanted)
    session.add(report)
    await session.flush()
    await audit_service.record(
        session, principal=principal, action="status_report.create", object_type="StatusReport", object_id=report.id,
        organization_id=project.client_id, details={"project_id": project.id, "amends_id": report.amends_id},
    )
    return report


async def update_status_report(
    session: AsyncSession, *, principal: Principal, report_id: int, changes: ReportFields
) -> StatusReport:
    """Change a draft report; a published one is immutable and takes an amendment instead."""
    report = await _draft(session, principal=principal, report_id=report_id,
                          refusal="published reports are immutable; create an amendment")
    project = await _project(session, principal=principal, project_id=report.project_id)
    amended = await _amended(session, principal=principal, report_id=report.amends_id, project=project)
    wanted = merged_fields(report, changes)
    validate_fields(wanted, amended=amended)
    changed = apply_fields(report, wanted)
    await session.flush()
    await audit_service.record(
        session, principal=principal, action="status_report.update", object_type="StatusReport", object_id=report.id,
        organization_id=project.client_id, details={"changed": changed},
    )
    return report


async def publish_status_report(session: AsyncSession, *, principal: Principal, report_id: int) -> StatusReport:
    """Publish a draft: freeze the project's health, progress and delivery metrics into it, for good."""
    report = await _draft(session, principal=principal, report_id=report_id, refusal="the report is already published")
    project = await _project(session, principal=principal, project_id=report.project_id)
    await snapshot.freeze(session, report=report, project=project)
    report.state = ReportState.PUBLISHED
    report.published_at = utcnow()
    report.published_by_id = principal.user_id
    await session.flush()
    await audit_service.record(
        session, principal=principal, action="status_report.publish", object_type="StatusReport",
        object_id=report.id, organization_id=project.client_id,
        details={"project_id": project.id, "amends_id": report.amends_id, "health": report.health_overall.value,
                 "percent_complete": report.percent_complete},
    )
    record_event(session, ReportPublished(client_id=project.client_id, actor_user_id=principal.user_id,
                                          report_id=report.id, project_id=project.id, amends_id=report.amends_id))
    return report


async def _project(session: AsyncSession, *, principal: Principal, project_id: int) -> Project:
    [project] = await project_service.projects_by_ids(session, principal=principal, ids=[project_id])
    if project is None:
        raise NotFound("no such project", field="projectId")
    return project


async def _draft(session: AsyncSession, *, principal: Principal, report_id: int, refusal: str) -> StatusReport:
    """A visible draft, locked for this transaction: NotFound, Forbidden, or Conflict(`refusal`) when published."""
    statement = _visible_reports(principal).where(StatusReport.id == report_id)
    report = await session.scalar(statement.with_for_update().execution_options(populate_existing=True))
    if report is None:
        raise NotFound("no such status report", field="id")
    require_pmo_staff(principal)
    if report.state is ReportState.PUBLISHED:
        raise Conflict(refusal, field="id")
    return report


async def _amended(
    session: AsyncSession, *, principal: Principal, report_id: int | None, project: Project
) -> StatusReport | None:
    """The published report of `project` that an amendment corrects; None for a report that amends nothing."""
    if report_id is None:
        return None
    [amended] = await reports_by_ids(session, principal=principal, ids=[report_id])
    if amended is None:
        raise NotFound("no such status report to amend", field="amendsId")
    if amended.project_id != project.id:
        raise InvalidInput("an amendment must amend a report of the same project", field="amendsId")
    if amended.state is not ReportState.PUBLISHED:
        raise Conflict("only a published report can be amended; edit the draft instead", field="amendsId")
    return amended
