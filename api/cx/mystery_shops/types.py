"""GraphQL types for mystery shops."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.types import User
from api.cx.mystery_shops import models
from api.cx.types import Touchpoint, load_person, resolve_client, resolve_project
from api.kit.nodes import LoadedNode


@strawberry.type(description="One checklist line of a mystery shop and the points it earned.")
class MysteryShopCriterion:
    criterion: str
    score: int
    max_score: int
    note: str


@strawberry.type(description="An internal, scored audit of one touchpoint (PMO staff only).")
class MysteryShop(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    touchpoint: Touchpoint
    conducted_on: date
    criteria: list[MysteryShopCriterion]
    score_percent: float = strawberry.field(description="Points earned over points available, x 100.")
    notes: str
    project_id: strawberry.Private[int | None]
    client_id: strawberry.Private[int]
    shopper_id: strawberry.Private[int | None]

    project = strawberry.field(resolver=resolve_project, description="The project audited, if any.")
    client = strawberry.field(resolver=resolve_client, description="The client whose touchpoint was audited.")

    @strawberry.field(description="Who conducted the mystery shop.")
    async def shopper(self, info: Info) -> User | None:
        return await load_person(info, self.shopper_id)

    @classmethod
    def from_model(cls, shop: models.MysteryShop) -> MysteryShop:
        """The GraphQL view of a mystery shop row."""
        return cls(
            id=shop.id,
            touchpoint=shop.touchpoint,
            conducted_on=shop.conducted_on,
            criteria=[
                MysteryShopCriterion(criterion=line["criterion"], score=line["score"], max_score=line["max_score"],
                                     note=line.get("note", ""))
                for line in shop.criteria
            ],
            score_percent=float(shop.score_percent),
            notes=shop.notes,
            project_id=shop.project_id,
            client_id=shop.client_id,
            shopper_id=shop.shopper_id,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.cx.mystery_shop_by_id
