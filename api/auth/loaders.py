"""Per-request DataLoaders for API tokens."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth import api_tokens as api_token_service
from api.auth.models import ApiToken
from api.auth.principal import Principal


class ApiTokenLoaders:
    """Batches API token lookups within one request, already scoped to the principal."""

    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def load(ids: Sequence[int]) -> list[ApiToken | None]:
            return await api_token_service.api_tokens_by_ids(session, principal=principal, ids=ids)

        self.by_id: DataLoader[int, ApiToken | None] = DataLoader(load_fn=load)
