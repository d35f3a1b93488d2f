"""Root query fields for projects."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest
from api.projects import service as project_service
from api.projects.types import Health, Project, ProjectStatus


@strawberry.type
class ProjectQueries:
    @strawberry.field(description="Projects the viewer may see, ordered by code.")
    @paged
    async def projects(
        self,
        info: Info,
        page: PageRequest,
        client_id: relay.GlobalID | None = None,
        status: ProjectStatus | None = None,
        health: Health | None = None,
    ) -> Connection[Project]:
        found = await project_service.list_projects(
            info.context.session,
            principal=info.context.principal,
            page=page,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            status=status,
            health=health,
        )
        return Connection.from_page(found, Project.from_model)

    @strawberry.field(description="One project, or null when it does not exist or is not visible.")
    async def project(self, info: Info, id: relay.GlobalID) -> Project | None:
        project_id = optional_node_id(id, "Project", field="id")
        row = await info.context.projects.by_id.load(project_id) if project_id is not None else None
        return Project.from_model(row) if row else None
