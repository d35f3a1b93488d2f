"""Per-request DataLoaders for update requests, already scoped to the principal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.update_requests import service as request_service
from api.update_requests.models import UpdateRequest


class UpdateRequestLoaders:
    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def requests(ids: Sequence[int]) -> list[UpdateRequest | None]:
            return await request_service.requests_by_ids(session, principal=principal, ids=ids)

        async def items(ids: Sequence[int]) -> list[tuple[list[int], list[int]]]:
            return await request_service.items_of(session, request_ids=ids)

        self.by_id: DataLoader[int, UpdateRequest | None] = DataLoader(load_fn=requests)
        self.items: DataLoader[int, tuple[list[int], list[int]]] = DataLoader(load_fn=items)
