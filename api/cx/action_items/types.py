"""GraphQL types for action items ("You said, we did")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.types import User
from api.cx.action_items import models
from api.cx.feedback.types import Feedback
from api.cx.types import load_person, resolve_client, resolve_project
from api.kit.nodes import LoadedNode

ActionItemStatus = strawberry.enum(models.ActionItemStatus, name="ActionItemStatus")


@strawberry.type(description="What we did about feedback (\"You said, we did\"); clients see client-visible ones.")
class ActionItem(LoadedNode, relay.Node):
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
        row = await info.context.cx.feedback_by_id.load(self.feedback_id)
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
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.cx.action_item_by_id
