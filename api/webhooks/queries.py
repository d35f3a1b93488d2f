"""Root query fields of webhooks."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.delivery.types import Delivery
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest
from api.webhooks import service as webhook_service
from api.webhooks.types import WebhookEndpoint


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Webhook endpoints: every one for PMO staff, a client's own for its people.")
    @paged
    async def webhook_endpoints(self, info: Info, page: PageRequest,
                                client_id: relay.GlobalID | None = None) -> Connection[WebhookEndpoint]:
        found = await webhook_service.list_endpoints(info.context.session, principal=info.context.principal,
                                                     page=page,
                                                     client_id=optional_node_id(client_id, "Client", field="clientId"))
        return Connection.from_page(found, WebhookEndpoint.from_model)

    @strawberry.field(description="The requests made or owed to one endpoint, newest first.")
    @paged
    async def webhook_deliveries(self, info: Info, endpoint_id: relay.GlobalID,
                                 page: PageRequest) -> Connection[Delivery]:
        found = await webhook_service.endpoint_deliveries(
            info.context.session, principal=info.context.principal, page=page,
            endpoint_id=optional_node_id(endpoint_id, "WebhookEndpoint", field="endpointId"))
        return Connection.from_page(found, Delivery.from_model)
