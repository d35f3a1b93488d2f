"""Per-request DataLoaders for projects."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.projects import service as project_service
from api.projects.models import Project


class ProjectLoaders:
    """Batches project lookups within one request, already scoped to the principal."""

    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def load(ids: Sequence[int]) -> list[Project | None]:
            return await project_service.projects_by_ids(session, principal=principal, ids=ids)

        self.by_id: DataLoader[int, Project | None] = DataLoader(load_fn=load)
