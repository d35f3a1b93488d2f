"""Root query fields of update requests."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest
from api.update_requests import service as request_service
from api.update_requests.types import UpdateRequest, UpdateRequestState


@strawberry.type
class UpdateRequestQueries:
    @strawberry.field(description="Update requests, newest first: PMO staff see all, anyone else those asked of them.")
    @paged
    async def update_requests(self, info: Info, page: PageRequest, state: UpdateRequestState | None = None,
                              project_id: relay.GlobalID | None = None) -> Connection[UpdateRequest]:
        found = await request_service.list_update_requests(
            info.context.session, principal=info.context.principal, page=page, state=state,
            project_id=optional_node_id(project_id, "Project", field="projectId"))
        return Connection.from_page(found, UpdateRequest.from_model)
