"""Root query fields of delivery."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.delivery import service as delivery_service
from api.delivery.types import Delivery, DeliveryState
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest


@strawberry.type
class DeliveryQueries:
    @strawberry.field(description="Messages sent or owed, newest first (PMO staff only; empty for everyone else).")
    @paged
    async def deliveries(
        self,
        info: Info,
        page: PageRequest,
        state: DeliveryState | None = None,
        client_id: relay.GlobalID | None = None,
    ) -> Connection[Delivery]:
        found = await delivery_service.list_deliveries(
            info.context.session, principal=info.context.principal, page=page, state=state,
            client_id=optional_node_id(client_id, "Client", field="clientId"))
        return Connection.from_page(found, Delivery.from_model)
