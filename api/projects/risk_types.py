"""GraphQL types for risks and issues."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.kit.connections import Connection, paged
from api.kit.nodes import LoadedNode
from api.kit.pagination import Page, PageRequest
from api.projects import models, risk_service

if TYPE_CHECKING:
    from api.comments.types import Comment
    from api.projects.types import Project

RiskKind = strawberry.enum(models.RiskKind, name="RiskKind")
RiskSeverity = strawberry.enum(models.RiskSeverity, name="RiskSeverity")
RiskStatus = strawberry.enum(models.RiskStatus, name="RiskStatus")
RiskVisibility = strawberry.enum(models.Visibility, name="RiskVisibility")


@strawberry.type(description="A risk (it may happen) or an issue (it has happened) on a project's register.")
class Risk(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    kind: RiskKind
    title: str
    description: str
    probability: int = strawberry.field(description="How likely, from 1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="How serious, from 1 (minor) to 5 (severe).")
    severity: RiskSeverity = strawberry.field(description="Derived from probability x impact.")
    owner_name: str
    mitigation: str
    status: RiskStatus
    visibility: RiskVisibility = strawberry.field(description="INTERNAL risks show to PMO staff only.")
    raised_on: date
    project_id: strawberry.Private[int]

    @strawberry.field(description="The project whose register holds it.")
    async def project(self, info: Info) -> Annotated[Project, strawberry.lazy("api.projects.types")]:
        from api.projects.types import Project

        return Project.from_model(await info.context.projects.by_id.load(self.project_id))

    @strawberry.field(description="Comments on this risk or issue the viewer may read, oldest first.")
    @paged
    async def comments(self, info: Info, page: PageRequest) -> Connection[
            Annotated[Comment, strawberry.lazy("api.comments.types")]]:
        from api.comments.types import subject_comments

        return await subject_comments(info, subject_type="Risk", subject_id=self.id, page=page)

    @classmethod
    def from_model(cls, risk: models.Risk) -> Risk:
        """The GraphQL view of a risk row."""
        return cls(
            id=risk.id,
            kind=risk.kind,
            title=risk.title,
            description=risk.description,
            probability=risk.probability,
            impact=risk.impact,
            severity=risk.severity,
            owner_name=risk.owner_name,
            mitigation=risk.mitigation,
            status=risk.status,
            visibility=risk.visibility,
            raised_on=risk.raised_on,
            project_id=risk.project_id,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.projects.risk_by_id


async def project_risks(
    info: Info, *, project_id: int, page: PageRequest, status: models.RiskStatus | None,
    visibility: models.Visibility | None,
) -> Connection[Risk]:
    """Project.risks: one page per project, batched over every project the request asks about."""
    context = info.context

    async def batch(project_ids: Sequence[int]) -> list[Page[Any]]:
        return await risk_service.risk_pages_by_project(
            context.session, principal=context.principal, project_ids=project_ids, page=page, status=status,
            visibility=visibility,
        )

    loaded = await context.page_loader("Project.risks", (page, status, visibility), batch).load(project_id)
    return Connection.from_page(loaded, Risk.from_model)
