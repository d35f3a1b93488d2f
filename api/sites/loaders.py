"""Per-request DataLoaders for sites and site builds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.sites import service as site_service
from api.sites.models import Site, SiteBuild


class SiteLoaders:
    """Batches site and build lookups within one request, already scoped to the principal."""

    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def load_sites(client_ids: Sequence[int]) -> list[Site | None]:
            return await site_service.sites_by_client_ids(session, principal=principal, client_ids=client_ids)

        async def load_builds(ids: Sequence[int]) -> list[SiteBuild | None]:
            return await site_service.builds_by_ids(session, principal=principal, ids=ids)

        self.by_client_id: DataLoader[int, Site | None] = DataLoader(load_fn=load_sites)
        self.build_by_id: DataLoader[int, SiteBuild | None] = DataLoader(load_fn=load_builds)
