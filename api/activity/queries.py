"""Root query fields of activity."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.activity import service as activity_service
from api.activity.types import Activity
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest


@strawberry.type
class ActivityQueries:
    @strawberry.field(description="What happened that the viewer may see, newest first, of one client or project.")
    @paged
    async def activity(self, info: Info, page: PageRequest, client_id: relay.GlobalID | None = None,
                       project_id: relay.GlobalID | None = None) -> Connection[Activity]:
        found = await activity_service.list_activity(
            info.context.session, principal=info.context.principal, page=page,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"))
        return Connection.from_page(found, Activity.from_model)
