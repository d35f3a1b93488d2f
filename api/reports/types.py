"""GraphQL types for status reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.permissions import sees_financials, sees_internal
from api.kit.connections import Connection, paged
from api.kit.money import Money
from api.kit.nodes import LoadedNode
from api.kit.pagination import Page, PageRequest
from api.projects.types import Project, ProjectHealth
from api.reports import models
from api.reports import service as report_service

if TYPE_CHECKING:
    from api.comments.types import Comment

ReportCadence = strawberry.enum(models.ReportCadence, name="ReportCadence")
ReportState = strawberry.enum(models.ReportState, name="ReportState")


@strawberry.type(description="Delivery figures frozen when a report was published.")
class ReportMetrics:
    milestones_accepted: int | None = strawberry.field(description="Milestones and deliverables the client accepted.")
    milestones_total: int | None = strawberry.field(description="Milestones and deliverables of the project.")
    open_risks: int | None = strawberry.field(description="Open risks and issues the client could see.")
    project_id: strawberry.Private[int]
    cost: strawberry.Private[Money | None]

    @strawberry.field(description="Actual cost to date at publication; null unless the viewer may see the financials.")
    async def actual_cost_to_date(self, info: Info) -> Money | None:
        if self.cost is None:
            return None
        project = await info.context.projects.by_id.load(self.project_id)
        if project is None or not sees_financials(
            info.context.principal, client_id=project.client_id, financials_shared=project.financials_shared
        ):
            return None
        return self.cost

    @strawberry.field(description="Comments on this report the viewer may read, oldest first.")
    @paged
    async def comments(self, info: Info, page: PageRequest) -> Connection[
            Annotated[Comment, strawberry.lazy("api.comments.types")]]:
        from api.comments.types import subject_comments

        return await subject_comments(info, subject_type="StatusReport", subject_id=self.id, page=page)

    @classmethod
    def from_snapshot(cls, metrics: dict[str, Any], *, project_id: int) -> ReportMetrics:
        """The GraphQL view of a report's metrics snapshot (older snapshots may lack some figures)."""
        amount, currency = metrics.get("actual_cost_to_date"), metrics.get("currency")
        return cls(
            milestones_accepted=metrics.get("milestones_accepted"),
            milestones_total=metrics.get("milestones_total"),
            open_risks=metrics.get("open_risks"),
            project_id=project_id,
            cost=Money.of(Decimal(amount), currency) if amount is not None and currency else None,
        )


@strawberry.type(description="A periodic report on a project: immutable once published, corrected by amendments.")
class StatusReport(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    title: str
    cadence: ReportCadence
    state: ReportState
    period_start: date
    period_end: date
    summary: str
    accomplishments: str
    next_steps: str
    issues: str
    health: ProjectHealth | None = strawberry.field(description="The project's health at publication; null on a draft.")
    percent_complete: int | None = strawberry.field(description="Percent complete at publication; null on a draft.")
    metrics: ReportMetrics | None = strawberry.field(description="Delivery figures at publication; null on a draft.")
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    project_id: strawberry.Private[int]
    amends_id: strawberry.Private[int | None]
    notes: strawberry.Private[str]

    @strawberry.field(description="Notes for PMO staff only; null for everyone else.")
    def internal_notes(self, info: Info) -> str | None:
        return self.notes if sees_internal(info.context.principal) else None

    @strawberry.field(description="The project this report is about.")
    async def project(self, info: Info) -> Project:
        row = await info.context.projects.by_id.load(self.project_id)
        return Project.from_model(row)

    @strawberry.field(description="The published report this one corrects; null when it is not an amendment.")
    async def amends(self, info: Info) -> StatusReport | None:
        if self.amends_id is None:
            return None
        row = await info.context.reports.by_id.load(self.amends_id)
        return StatusReport.from_model(row) if row else None

    @strawberry.field(description="Amendments of this report the viewer may see, newest first.")
    @paged
    async def amendments(
        self,
        info: Info,
        page: PageRequest,
    ) -> Connection[StatusReport]:
        context = info.context

        async def batch(report_ids: Sequence[int]) -> list[Page[Any]]:
            return await report_service.amendment_pages(
                context.session, principal=context.principal, report_ids=report_ids, page=page
            )

        found = await context.page_loader("StatusReport.amendments", page, batch).load(self.id)
        return Connection.from_page(found, StatusReport.from_model)

    @classmethod
    def from_model(cls, report: models.StatusReport) -> StatusReport:
        """The GraphQL view of a report row; the publication snapshot only once published."""
        published = report.state is models.ReportState.PUBLISHED
        return cls(
            id=report.id,
            title=report.title,
            cadence=report.cadence,
            state=report.state,
            period_start=report.period_start,
            period_end=report.period_end,
            summary=report.summary,
            accomplishments=report.accomplishments,
            next_steps=report.next_steps,
            issues=report.issues,
            health=_health(report) if published else None,
            percent_complete=report.percent_complete if published else None,
            metrics=ReportMetrics.from_snapshot(report.metrics, project_id=report.project_id) if published else None,
            published_at=report.published_at,
            created_at=report.created_at,
            updated_at=report.updated_at,
            project_id=report.project_id,
            amends_id=report.amends_id,
            notes=report.internal_notes,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.reports.by_id


def _health(report: models.StatusReport) -> ProjectHealth | None:
    if report.health_overall is None:
        return None
    return ProjectHealth(
        overall=report.health_overall,
        schedule=report.health_schedule,
        cost=report.health_cost,
        scope=report.health_scope,
        quality=report.health_quality,
    )


async def project_status_reports(
    info: Info, *, project_id: int, page: PageRequest, state: models.ReportState | None
) -> Connection[StatusReport]:
    """Project.statusReports: one page per project, batched over every project the request asks about."""
    context = info.context

    async def batch(project_ids: Sequence[int]) -> list[Page[Any]]:
        return await report_service.report_pages_by_project(
            context.session, principal=context.principal, project_ids=project_ids, page=page, state=state
        )

    loaded = await context.page_loader("Project.statusReports", (page, state), batch).load(project_id)
    return Connection.from_page(page=loaded, node=StatusReport.from_model)


async def latest_report(info: Info, *, project_id: int) -> StatusReport | None:
    """Project.latestReport: batched over every project the request asks about."""
    row = await info.context.reports.latest_by_project.load(project_id)
    return StatusReport.from_model(row) if row else None
