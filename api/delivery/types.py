"""GraphQL types for notification preferences."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.delivery import models
from api.delivery import preferences as preference_service
from api.kit.nodes import LoadedNode

if TYPE_CHECKING:
    from api.auth.types import User
    from api.clients.types import Client
    from api.webhooks.types import WebhookEndpoint

ReportNotices = strawberry.enum(models.ReportNotices, name="ReportNotices",
                                description="EACH: a mail per published report; WEEKLY_DIGEST: one on Monday "
                                            "morning; OFF: none.")
DecisionNotices = strawberry.enum(models.DecisionNotices, name="DecisionNotices",
                                  description="Mail about milestones awaiting acceptance and the surveys that "
                                              "follow a decision.")


DeliveryChannel = strawberry.enum(models.DeliveryChannel, name="DeliveryChannel")
DeliveryState = strawberry.enum(models.DeliveryState, name="DeliveryState",
                                description="PENDING: to be sent (again, after a failure, when due); SENT; FAILED: "
                                            "given up, with its last error; SUPPRESSED: not sent, on purpose.")
NoticeKind = strawberry.enum(models.NoticeKind, name="NoticeKind")


@strawberry.type(description="One message owed to one person (mail) or endpoint (webhook) because of one event, "
                             "and how sending it went. PMO staff see every one; a client sees its own endpoints'.")
class Delivery(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    channel: DeliveryChannel
    kind: NoticeKind
    state: DeliveryState
    attempts: int
    last_error: str | None
    message_id: str = strawberry.field(description="The same on every attempt, so receivers keep one copy.")
    address: str
    created_at: datetime
    due_at: datetime
    sent_at: datetime | None
    event_type: str | None = strawberry.field(description="A webhook's `type`, e.g. status_report.published.")
    client_id: strawberry.Private[int]
    recipient_id: strawberry.Private[int | None]
    endpoint_id: strawberry.Private[int | None]

    @strawberry.field(description="The client the message is about.")
    async def client(self, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:
        from api.clients.types import Client

        row = await info.context.clients.by_id.load(self.client_id)
        return Client.from_model(row) if row else None

    @strawberry.field(description="Who the message is for (mail); null for a webhook.")
    async def recipient(self, info: Info) -> Annotated[User, strawberry.lazy("api.auth.types")] | None:
        from api.auth.types import User

        if self.recipient_id is None:
            return None
        row = await info.context.cx.person_by_id.load(self.recipient_id)
        return User(name=row.name, email=row.email, title=row.title) if row else None

    @strawberry.field(description="The endpoint the request is for (webhook); null for mail.")
    async def endpoint(self, info: Info) -> Annotated[WebhookEndpoint, strawberry.lazy("api.webhooks.types")] | None:
        from api.webhooks.types import WebhookEndpoint

        if self.endpoint_id is None:
            return None
        row = await info.context.webhooks.by_id.load(self.endpoint_id)
        return WebhookEndpoint.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: models.Delivery) -> Delivery:
        return cls(id=row.id, channel=row.channel, kind=row.kind, state=row.state, attempts=row.attempts,
                   last_error=row.last_error, message_id=row.message_id, address=row.address,
                   created_at=row.created_at, due_at=row.due_at, sent_at=row.sent_at, client_id=row.client_id,
                   recipient_id=row.recipient_id, endpoint_id=row.endpoint_id, event_type=row.event_type)

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.deliveries.by_id


@strawberry.type(description="What one person receives by email about one client's work.")
class NotificationPreferences:
    report_notices: ReportNotices
    decision_notices: DecisionNotices
    client_id: strawberry.Private[int]

    @strawberry.field(description="The client these preferences are for.")
    async def client(self, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:
        from api.clients.types import Client

        row = await info.context.clients.by_id.load(self.client_id)
        return Client.from_model(row) if row else None

    @classmethod
    def from_data(cls, preferences: preference_service.Preferences) -> NotificationPreferences:
        return cls(report_notices=preferences.report_notices, decision_notices=preferences.decision_notices,
                   client_id=preferences.client_id)


async def viewer_notification_preferences(root: Any, info: Info) -> list[NotificationPreferences]:
    """Viewer.notificationPreferences: one entry per client whose notices the viewer receives."""
    found = await preference_service.viewer_preferences(info.context.session, principal=info.context.principal)
    return [NotificationPreferences.from_data(preferences) for preferences in found]
