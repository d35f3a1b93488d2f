"""Mutations of mystery shops."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.mystery_shops import service as mystery_shop_service
from api.cx.mystery_shops.types import MysteryShop
from api.cx.types import Touchpoint
from api.kit.ids import optional_node_id
from api.kit.mutations import UserError, attempt, later


@strawberry.input(description="One checklist line of a mystery shop.")
class MysteryShopCriterionInput:
    criterion: str
    score: int
    max_score: int
    note: str = ""


@strawberry.input(description="A mystery shop; its score is computed from the criteria.")
class RecordMysteryShopInput:
    client_id: relay.GlobalID
    touchpoint: Touchpoint
    conducted_on: date
    criteria: list[MysteryShopCriterionInput]
    project_id: relay.GlobalID | None = None
    notes: str = ""
    shopper_email: str | None = strawberry.field(default=None, description="A PMO staff member; the caller by default.")

    def record(self) -> mystery_shop_service.MysteryShopRecord:
        return mystery_shop_service.MysteryShopRecord(
            client_id=optional_node_id(self.client_id, "Client", field="clientId"),
            touchpoint=self.touchpoint,
            conducted_on=self.conducted_on,
            criteria=tuple(
                mystery_shop_service.Criterion(criterion=line.criterion, score=line.score, max_score=line.max_score,
                                               note=line.note)
                for line in self.criteria
            ),
            project_id=optional_node_id(self.project_id, "Project", field="projectId"),
            notes=self.notes,
            shopper_email=self.shopper_email,
        )


@strawberry.type
class RecordMysteryShopPayload:
    mystery_shop: MysteryShop | None
    user_errors: list[UserError]


@strawberry.type
class MysteryShopMutations:
    @strawberry.mutation(description="Record a mystery shop; its score is the share of points earned (PMO staff).")
    async def record_mystery_shop(self, info: Info, input: RecordMysteryShopInput) -> RecordMysteryShopPayload:
        context = info.context
        row, errors = await attempt(context.session, mystery_shop_service.record_mystery_shop,
                                    principal=context.principal, record=later(input.record))
        return RecordMysteryShopPayload(mystery_shop=MysteryShop.from_model(row) if row else None, user_errors=errors)
