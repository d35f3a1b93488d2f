"""Per-request DataLoaders for status reports."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.reports import service as report_service
from api.reports.models import StatusReport


class ReportLoaders:
    """Batches report lookups within one request, already scoped to the principal."""

    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def load(ids: Sequence[int]) -> list[StatusReport | None]:
            return await report_service.reports_by_ids(session, principal=principal, ids=ids)

        async def load_latest(project_ids: Sequence[int]) -> list[StatusReport | None]:
            return await report_service.latest_published_by_project(
                session, principal=principal, project_ids=project_ids
            )

        self.by_id: DataLoader[int, StatusReport | None] = DataLoader(load_fn=load)
        self.latest_by_project: DataLoader[int, StatusReport | None] = DataLoader(load_fn=load_latest)
