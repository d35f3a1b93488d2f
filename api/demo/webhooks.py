"""The demo's webhook endpoint: the PMO's, for every client and every event type, pointed at the demo's receiver."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.backstop import acting_as
from api.auth.models import User
from api.auth.service import principal_for_user
from api.settings import Settings
from api.webhooks import service as webhook_service
from api.webhooks.models import WebhookEndpoint, WebhookEventType

DEMO_ENDPOINT = "Rapport demo receiver (it checks each signature)"


async def point_demo_endpoint(session: AsyncSession, *, settings: Settings, admin_email: str,
                              url: str) -> list[str]:
    """Register the demo endpoint as the demo's PMO admin, or point the one registered before at `url` (the
    receiver listens on a new port each run); the secrets that sign its requests."""
    endpoint = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.description == DEMO_ENDPOINT)
                                    .order_by(WebhookEndpoint.id).limit(1))
    if endpoint is None:
        admin_id = await session.scalar(select(User.id).where(User.email == admin_email))
        principal = await principal_for_user(session, user_id=admin_id)
        with acting_as(session, principal):
            issued = await webhook_service.create_endpoint(session, settings=settings, principal=principal, url=url,
                                                           event_types=list(WebhookEventType), client_id=None,
                                                           description=DEMO_ENDPOINT)
        endpoint = issued.endpoint
    else:
        endpoint.url, endpoint.disabled_at, endpoint.disabled_reason = url, None, None
        await session.flush()
    return await webhook_service.signing_secrets(session, endpoint_id=endpoint.id)
