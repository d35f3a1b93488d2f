"""Mutations of actual cost: record a period's cost, or correct an entry by amending it."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.mutations import UserError, attempt, id_of
from api.projects import cost_service
from api.projects.cost_types import ActualCostEntry


@strawberry.input(description="A period's actual cost (PMO staff), in the project's currency; with amendsId, the "
                              "correction of that entry, which then no longer counts.")
class RecordActualCostInput:
    project_id: relay.GlobalID
    period_end: date
    amount: str = strawberry.field(description='A decimal string like "41250.00"; negative for a credit.')
    note: str = ""
    amends_id: relay.GlobalID | None = None


@strawberry.type
class RecordActualCostPayload:
    actual_cost: ActualCostEntry | None
    user_errors: list[UserError]


@strawberry.type
class CostMutations:
    @strawberry.mutation(description="Record what a project cost in a period, or correct an entry (PMO staff). The "
                                     "project's actual cost to date becomes the sum of the entries that stand.")
    async def record_actual_cost(self, info: Info, input: RecordActualCostInput) -> RecordActualCostPayload:
        context = info.context
        row, errors = await attempt(context.session, cost_service.record_actual_cost, principal=context.principal,
                                    project_id=id_of(input.project_id, "Project", field="projectId"),
                                    period_end=input.period_end, amount=input.amount, note=input.note,
                                    amends_id=id_of(input.amends_id, "ActualCost", field="amendsId"))
        found = await context.projects.actual_cost_by_id.load(row.id) if row is not None else None
        return RecordActualCostPayload(actual_cost=ActualCostEntry.node_of(info, found) if found else None,
                                       user_errors=errors)
