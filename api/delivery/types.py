"""GraphQL types for notification preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from api.delivery import models
from api.delivery import preferences as preference_service

if TYPE_CHECKING:
    from api.clients.types import Client

ReportNotices = strawberry.enum(models.ReportNotices, name="ReportNotices",
                                description="EACH: a mail per published report; WEEKLY_DIGEST: one on Monday "
                                            "morning; OFF: none.")
DecisionNotices = strawberry.enum(models.DecisionNotices, name="DecisionNotices",
                                  description="Mail about milestones awaiting acceptance and the surveys that "
                                              "follow a decision.")


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
