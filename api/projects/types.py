"""GraphQL types for projects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.projects import models

if TYPE_CHECKING:
    from api.clients.types import Client

ProjectStatus = strawberry.enum(models.ProjectStatus, name="ProjectStatus")
ProjectPhase = strawberry.enum(models.ProjectPhase, name="ProjectPhase")
Health = strawberry.enum(models.Health, name="Health")


@strawberry.type(description="Health of a project on each dimension the PMO tracks.")
class ProjectHealth:
    overall: Health
    schedule: Health
    cost: Health
    scope: Health
    quality: Health


@strawberry.type(description="A contract or task order delivered for a client.")
class Project(relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    summary: str
    status: ProjectStatus
    phase: ProjectPhase
    percent_complete: int
    start_date: date
    end_date: date
    updated_at: datetime
    health: ProjectHealth
    client_id: strawberry.Private[int]

    @strawberry.field(description="The client this project is delivered for.")
    async def client(self, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")]:
        from api.clients.types import Client

        row = await info.context.clients.by_id.load(self.client_id)
        return Client.from_model(row)

    @classmethod
    def from_model(cls, project: models.Project) -> Project:
        """The GraphQL view of a project row."""
        return cls(
            id=project.id,
            code=project.code,
            name=project.name,
            summary=project.summary,
            status=project.status,
            phase=project.phase,
            percent_complete=project.percent_complete,
            start_date=project.start_date,
            end_date=project.end_date,
            updated_at=project.updated_at,
            health=ProjectHealth(
                overall=project.health_overall,
                schedule=project.health_schedule,
                cost=project.health_cost,
                scope=project.health_scope,
                quality=project.health_quality,
            ),
            client_id=project.client_id,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list[Project | None]:
        ids = [int(node_id) if node_id.isdigit() else -1 for node_id in node_ids]
        rows = await info.context.projects.by_id.load_many(ids)
        return [cls.from_model(row) if row else None for row in rows]
