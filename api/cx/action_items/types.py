"""GraphQL types for the CX program's follow-up: action items and mystery shops."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.auth.types import User
from api.feedback import models
from api.kit.ids import database_ids
from api.feedback.types import (
    ActionItemStatus,
    Feedback,
    Touchpoint,
    load_person,
    resolve_client,
    resolve_project,
)


@strawberry.type(description="What we did about feedback (\"You said, we did\"); clients see client-visible ones.")
class ActionItem(relay.Node):
    id: relay.NodeID[int]
    title: str
    you_said: str
    we_did: str
    status: ActionItemStatus
    client_visible: bool
    due_date: date | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    project_id: strawberry.Private[int | None]
    client_id: strawberry.Private[int]
    feedback_id: strawberry.Private[int | None]
    owner_id: strawberry.Private[int | None]

    project = strawberry.field(resolver=resolve_project, description="The project the item is about, if any.")
    client = strawberry.field(resolver=resolve_client, description="The client the item answers.")

    @strawberry.field(description="Who is responsible for the item.")
    async def owner(self, info: Info) -> User | None:
        return await load_person(info, self.owner_id)

    @strawberry.field(description="The feedback this item answers, when there is one the viewer may see.")
    async def feedback(self, info: Info) -> Feedback | None:
        if self.feedback_id is None:
            return None
        row = await info.context.feedback.feedback_by_id.load(self.feedback_id)
        return Feedback.from_model(row) if row else None

    @classmethod
    def from_model(cls, item: models.ActionItem) -> ActionItem:
        """The GraphQL view of an action item row."""
        return cls(
            id=item.id,
            title=item.title,
            you_said=item.you_said,
            we_did=item.we_did,
            status=item.status,
            client_visible=item.client_visible,
            due_date=item.due_date,
            completed_at=item.completed_at,
            created_at=item.created_at,
            updated_at=item.updated_at,
            project_id=item.project_id,
            client_id=item.client_id,
            feedback_id=item.feedback_id,
            owner_id=item.owner_id,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[ActionItem | None]:
        rows = await info.context.feedback.action_item_by_id.load_many(database_ids(node_ids))
        return [cls.from_model(row) if row else None for row in rows]


@strawberry.type(description="One checklist line of a mystery shop and the points it earned.")
class MysteryShopCriterion:
    criterion: str
    score: int
    max_score: int
    note: str


@strawberry.type(description="An internal, scored audit of one touchpoint (PMO staff only).")
class MysteryShop(relay.Node):
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
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[MysteryShop | None]:
        rows = await info.context.feedback.mystery_shop_by_id.load_many(database_ids(node_ids))
        return [cls.from_model(row) if row else None for row in rows]
