"""GraphQL types of activity."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.activity import models
from api.kit.connections import Connection
from api.kit.nodes import LoadedNode, resolve_node
from api.kit.pagination import PageRequest

if TYPE_CHECKING:
    from api.projects.team_types import Person
    from api.projects.types import Project

Audience = strawberry.enum(models.Audience, name="Audience",
                           description="CLIENT: the client, PMO staff and the project's assigned subcontractors; "
                                       "TEAM: PMO staff and assigned subcontractors; PMO: PMO staff only.")


@strawberry.type(description="Something that happened on a project, in a line, for those its audience lets see it.")
class Activity(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    kind: str = strawberry.field(description="The kind of event, e.g. MilestoneProgressReported.")
    summary: str
    audience: Audience
    occurred_at: datetime
    project_id: strawberry.Private[int]
    actor_user_id: strawberry.Private[int | None]
    subject_type: strawberry.Private[str]
    subject_id: strawberry.Private[int]

    @strawberry.field(description="What it is about (a project, milestone, risk or report); null when the viewer "
                                  "may no longer see it.")
    async def subject(self, info: Info) -> relay.Node | None:
        return await resolve_node(info, relay.GlobalID(self.subject_type, str(self.subject_id)))

    @strawberry.field(description="The project it happened on.")
    async def project(self, info: Info) -> Annotated[Project, strawberry.lazy("api.projects.types")] | None:
        from api.projects.types import Project

        row = await info.context.projects.by_id.load(self.project_id)
        return Project.from_model(row) if row else None

    @strawberry.field(description="Who did it; null for the system or when the viewer may not see them.")
    async def actor(self, info: Info) -> Annotated[Person, strawberry.lazy("api.projects.team_types")] | None:
        from api.projects.team_types import person

        return await person(info, user_id=self.actor_user_id)

    @classmethod
    def from_model(cls, row: models.Activity) -> Activity:
        return cls(id=row.id, kind=row.kind, summary=row.summary, audience=row.audience, occurred_at=row.occurred_at,
                   project_id=row.project_id, actor_user_id=row.actor_user_id, subject_type=row.subject_type,
                   subject_id=row.subject_id)

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.activity.by_id


async def project_activity(info: Info, *, project_id: int, page: PageRequest,
                           since: datetime | None = None) -> Connection[Activity]:
    """Project.activity: one page per project, batched over every project the request asks about."""
    from api.activity import service as activity_service

    context = info.context

    async def batch(project_ids: Any) -> Any:
        return await activity_service.activity_pages_by_project(context.session, principal=context.principal,
                                                                project_ids=project_ids, page=page, since=since)

    loaded = await context.page_loader("Project.activity", (page, since), batch).load(project_id)
    return Connection.from_page(loaded, Activity.from_model)
