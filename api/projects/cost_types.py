"""GraphQL types of actual cost entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.kit.connections import Connection
from api.kit.money import Money
from api.kit.nodes import LoadedNode
from api.kit.pagination import Page, PageRequest
from api.projects import cost_service, models


@strawberry.type(name="ActualCost", description="What a project cost in one period. Entries are never edited: a "
                                                "correction amends one, and only the latest of a chain counts.")
class ActualCostEntry(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    period_end: date
    amount: Money
    note: str
    recorded_at: datetime
    amends_id: strawberry.Private[int | None]

    @strawberry.field(description="The entry this one corrects; null for an original entry.")
    async def amends(self, info: Info) -> ActualCostEntry | None:
        if self.amends_id is None:
            return None
        found = await info.context.projects.actual_cost_by_id.load(self.amends_id)
        return ActualCostEntry.from_model(found[0], currency=found[1]) if found else None

    @strawberry.field(description="Whether a later entry corrects this one (it no longer counts).")
    async def superseded(self, info: Info) -> bool:
        return await info.context.projects.actual_cost_superseded.load(self.id)

    @classmethod
    def from_model(cls, row: models.ActualCost, *, currency: str) -> ActualCostEntry:
        return cls(id=row.id, period_end=row.period_end, amount=Money.of(row.amount, currency), note=row.note,
                   recorded_at=row.recorded_at, amends_id=row.amends_id)

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.projects.actual_cost_by_id

    @classmethod
    def node_of(cls, info: Info, row: Any) -> Any:
        entry, currency = row
        return cls.from_model(entry, currency=currency)


async def project_actual_costs(info: Info, *, project_id: int, page: PageRequest,
                               currency: str) -> Connection[ActualCostEntry]:
    """Project.actualCosts: one page per project, batched over every project the request asks about."""
    context = info.context

    async def batch(project_ids: Sequence[int]) -> list[Page[Any]]:
        return await cost_service.cost_pages_by_project(context.session, principal=context.principal,
                                                        project_ids=project_ids, page=page)

    loaded = await context.page_loader("Project.actualCosts", (page,), batch).load(project_id)
    return Connection.from_page(loaded, lambda row: ActualCostEntry.from_model(row, currency=currency))
