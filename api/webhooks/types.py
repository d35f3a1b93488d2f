"""GraphQL types of webhook endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.kit.nodes import LoadedNode
from api.webhooks import models

if TYPE_CHECKING:
    from api.clients.types import Client

WebhookEventType = strawberry.enum(
    models.WebhookEventType, name="WebhookEventType",
    description="What an endpoint is sent; each is sent as the `type` of the body, e.g. STATUS_REPORT_PUBLISHED as "
                "\"status_report.published\". FEEDBACK_RECEIVED goes to PMO endpoints only.")
WebhookEndpointOwner = strawberry.enum(
    models.EndpointOwner, name="WebhookEndpointOwner",
    description="PMO: requests carry what PMO staff read, internal fields included. CLIENT: what the client reads.")


@strawberry.type(description="Where an integrator receives signed events (Standard Webhooks).")
class WebhookEndpoint(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    url: str
    description: str
    owner: WebhookEndpointOwner
    created_at: datetime
    disabled_at: datetime | None
    disabled_reason: str | None = strawberry.field(description="Why it was disabled: by its owner, a 410 Gone "
                                                               "answer, or requests that kept failing.")
    event_types: list[WebhookEventType]
    client_id: strawberry.Private[int | None]

    @strawberry.field(description="Whether requests are sent to it.")
    def enabled(self) -> bool:
        return self.disabled_at is None

    @strawberry.field(description="The client whose events it receives; null for every client's (a PMO endpoint).")
    async def client(self, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:
        from api.clients.types import Client

        if self.client_id is None:
            return None
        row = await info.context.clients.by_id.load(self.client_id)
        return Client.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: models.WebhookEndpoint) -> WebhookEndpoint:
        return cls(id=row.id, url=row.url, description=row.description, owner=row.owner, created_at=row.created_at,
                   disabled_at=row.disabled_at, disabled_reason=row.disabled_reason, client_id=row.client_id,
                   event_types=[models.WebhookEventType(value) for value in row.event_types])

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.webhooks.by_id
