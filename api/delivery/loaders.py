"""Per-request DataLoaders for deliveries, already scoped to the principal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.delivery import service as delivery_service
from api.delivery.models import Delivery


class DeliveryLoaders:
    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def deliveries(ids: Sequence[int]) -> list[Delivery | None]:
            return await delivery_service.deliveries_by_ids(session, principal=principal, ids=ids)

        self.by_id: DataLoader[int, Delivery | None] = DataLoader(load_fn=deliveries)
