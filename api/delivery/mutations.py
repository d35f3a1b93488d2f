"""Mutations of delivery: a person's own notification preferences."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.delivery import preferences as preference_service
from api.delivery import service as delivery_service
from api.delivery.types import DecisionNotices, Delivery, NotificationPreferences, ReportNotices
from api.kit.mutations import UserError, attempt, id_of


@strawberry.input(description="The viewer's preferences for one client; omitted fields stay as they are.")
class UpdateNotificationPreferencesInput:
    client_id: relay.GlobalID
    report_notices: ReportNotices | None = None
    decision_notices: DecisionNotices | None = None


@strawberry.type
class UpdateNotificationPreferencesPayload:
    notification_preferences: NotificationPreferences | None
    user_errors: list[UserError]


@strawberry.input(description="A delivery to send again, now, under its own Message-ID.")
class RedeliverInput:
    delivery_id: relay.GlobalID


@strawberry.type
class RedeliverPayload:
    delivery: Delivery | None
    user_errors: list[UserError]


@strawberry.type
class DeliveryMutations:
    @strawberry.mutation(description="Send a failed, suppressed or lost delivery again (PMO staff).")
    async def redeliver(self, info: Info, input: RedeliverInput) -> RedeliverPayload:
        context = info.context
        row, errors = await attempt(context.session, delivery_service.redeliver, principal=context.principal,
                                    delivery_id=id_of(input.delivery_id, "Delivery", field="deliveryId"))
        return RedeliverPayload(delivery=Delivery.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Choose which notices you receive by email about one of your clients.")
    async def update_notification_preferences(
        self, info: Info, input: UpdateNotificationPreferencesInput
    ) -> UpdateNotificationPreferencesPayload:
        context = info.context
        found, errors = await attempt(context.session, preference_service.update_preferences,
                                      principal=context.principal,
                                      client_id=id_of(input.client_id, "Client", field="clientId"),
                                      report_notices=input.report_notices, decision_notices=input.decision_notices)
        return UpdateNotificationPreferencesPayload(
            notification_preferences=NotificationPreferences.from_data(found) if found else None, user_errors=errors)
