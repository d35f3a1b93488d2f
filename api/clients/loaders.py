"""Per-request DataLoaders for clients."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.clients import service as client_service
from api.organizations.models import Organization


class ClientLoaders:
    """Batches client lookups within one request, already scoped to the principal."""

    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def load(ids: Sequence[int]) -> list[Organization | None]:
            return await client_service.clients_by_ids(session, principal=principal, ids=ids)

        self.by_id: DataLoader[int, Organization | None] = DataLoader(load_fn=load)
