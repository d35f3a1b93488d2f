"""Per-request DataLoaders for webhook endpoints, already scoped to the principal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.webhooks import service as webhook_service
from api.webhooks.models import WebhookEndpoint


class WebhookLoaders:
    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def endpoints(ids: Sequence[int]) -> list[WebhookEndpoint | None]:
            return await webhook_service.endpoints_by_ids(session, principal=principal, ids=ids)

        self.by_id: DataLoader[int, WebhookEndpoint | None] = DataLoader(load_fn=endpoints)
