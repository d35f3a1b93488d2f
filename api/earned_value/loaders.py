"""Per-request DataLoaders for earned value, already scoped to the principal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.earned_value import service as earned_value_service
from api.earned_value.service import ProjectValue


class EarnedValueLoaders:
    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def values(keys: Sequence[tuple[int, date | None]]) -> list[ProjectValue | None]:
            return await earned_value_service.project_values(session, principal=principal, requests=keys)

        async def portfolios(keys: Sequence[tuple[int, date | None]]) -> list[list[ProjectValue]]:
            dates = {as_of for _, as_of in keys}
            found = {as_of: await earned_value_service.portfolios(
                session, principal=principal, client_ids=[client for client, day in keys if day == as_of],
                as_of=as_of) for as_of in dates}
            return [found[as_of][client_id] for client_id, as_of in keys]

        async def trends(keys: Sequence[tuple[int, date | None, date | None, bool]]) -> list[Any]:
            found: dict[tuple[int, date | None, date | None, bool], Any] = {}
            for start, end, weekly in {key[1:] for key in keys}:
                ids = [key[0] for key in keys if key[1:] == (start, end, weekly)]
                values = await earned_value_service.trends(session, principal=principal, project_ids=ids,
                                                           start=start, end=end, weekly=weekly)
                found |= {(pid, start, end, weekly): value for pid, value in zip(ids, values, strict=True)}
            return [found[key] for key in keys]

        # (project id, from, to, weekly): every project's trend in a page in one batch.
        self.trend: DataLoader[tuple[int, date | None, date | None, bool], list[ProjectValue] | None] = DataLoader(
            load_fn=trends)
        # (project id, as of; None for today in the client's time zone): every project of a page in one batch.
        self.by_project: DataLoader[tuple[int, date | None], ProjectValue | None] = DataLoader(load_fn=values)
        # (client id, as of): every client's portfolio in a page in one batch.
        self.portfolio_by_client: DataLoader[tuple[int, date | None], list[ProjectValue]] = DataLoader(
            load_fn=portfolios)
