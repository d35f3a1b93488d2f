"""Root query fields for action items."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.action_items import service as action_item_service
from api.cx.action_items.types import ActionItem, ActionItemStatus
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest


@strawberry.type
class ActionItemQueries:
    @strawberry.field(description="Action items the viewer may see, newest first; clients see client-visible ones.")
    @paged
    async def action_items(
        self,
        info: Info,
        page: PageRequest,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        status: ActionItemStatus | None = None,
    ) -> Connection[ActionItem]:
        found = await action_item_service.list_action_items(
            info.context.session,
            principal=info.context.principal,
            page=page,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            status=status,
        )
        return Connection.from_page(found, ActionItem.from_model)
