"""Per-request DataLoaders for activity, already scoped to the principal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.activity import service as activity_service
from api.activity.models import Activity
from api.auth.principal import Principal


class ActivityLoaders:
    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def activities(ids: Sequence[int]) -> list[Activity | None]:
            return await activity_service.activities_by_ids(session, principal=principal, ids=ids)

        self.by_id: DataLoader[int, Activity | None] = DataLoader(load_fn=activities)
