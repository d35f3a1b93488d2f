"""GraphQL types for milestones and deliverables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.permissions import sees_financials
from api.kit.connections import Connection, paged
from api.kit.money import Money
from api.kit.nodes import LoadedNode
from api.kit.pagination import Page, PageRequest
from api.projects import milestone_service, models

if TYPE_CHECKING:
    from api.comments.types import Comment
    from api.projects.types import Project

MilestoneKind = strawberry.enum(models.MilestoneKind, name="MilestoneKind")
MilestoneStatus = strawberry.enum(models.MilestoneStatus, name="MilestoneStatus")


@strawberry.type(description="A milestone or a deliverable of a project, tracked against its baseline.")
class Milestone(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    kind: MilestoneKind
    name: str
    description: str
    baseline_date: date
    forecast_date: date
    completed_date: date | None
    status: MilestoneStatus
    percent_complete: int
    accepted_at: datetime | None = strawberry.field(description="When it was accepted; null until it is.")
    slip_days: int = strawberry.field(description="Forecast date minus baseline date, in days; negative when ahead.")
    project_id: strawberry.Private[int]
    planned_amount: strawberry.Private[Decimal]

    @strawberry.field(description="The value it earns when done; null unless the viewer sees the project's financials.")
    async def planned_value(self, info: Info) -> Money | None:
        project = await info.context.projects.by_id.load(self.project_id)
        if project is None or not sees_financials(info.context.principal, client_id=project.client_id,
                                                  financials_shared=project.financials_shared):
            return None
        return Money.of(self.planned_amount, project.currency)

    @strawberry.field(description="The project it belongs to.")
    async def project(self, info: Info) -> Annotated[Project, strawberry.lazy("api.projects.types")]:
        from api.projects.types import Project

        return Project.from_model(await info.context.projects.by_id.load(self.project_id))

    @strawberry.field(description="Comments on this milestone the viewer may read, oldest first.")
    @paged
    async def comments(self, info: Info, page: PageRequest) -> Connection[
            Annotated[Comment, strawberry.lazy("api.comments.types")]]:
        from api.comments.types import subject_comments

        return await subject_comments(info, subject_type="Milestone", subject_id=self.id, page=page)

    @classmethod
    def from_model(cls, milestone: models.Milestone) -> Milestone:
        """The GraphQL view of a milestone row."""
        return cls(
            id=milestone.id,
            kind=milestone.kind,
            name=milestone.name,
            description=milestone.description,
            baseline_date=milestone.baseline_date,
            forecast_date=milestone.forecast_date,
            completed_date=milestone.completed_date,
            status=milestone.status,
            percent_complete=milestone.percent_complete,
            accepted_at=milestone.accepted_at,
            slip_days=(milestone.forecast_date - milestone.baseline_date).days,
            project_id=milestone.project_id,
            planned_amount=milestone.planned_value,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.projects.milestone_by_id


async def project_milestones(
    info: Info, *, project_id: int, page: PageRequest, status: models.MilestoneStatus | None,
    kind: models.MilestoneKind | None,
) -> Connection[Milestone]:
    """Project.milestones: one page per project, batched over every project the request asks about."""
    context = info.context

    async def batch(project_ids: Sequence[int]) -> list[Page[Any]]:
        return await milestone_service.milestone_pages_by_project(
            context.session, principal=context.principal, project_ids=project_ids, page=page, status=status, kind=kind
        )

    loaded = await context.page_loader("Project.milestones", (page, status, kind), batch).load(project_id)
    return Connection.from_page(loaded, Milestone.from_model)


async def next_milestone(info: Info, *, project_id: int) -> Milestone | None:
    """Project.nextMilestone: batched over every project the request asks about."""
    row = await info.context.projects.next_milestone.load(project_id)
    return Milestone.from_model(row) if row else None
