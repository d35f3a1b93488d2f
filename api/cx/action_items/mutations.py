"""Mutations of action items ("You said, we did")."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.action_items import service as action_item_service
from api.cx.action_items.models import ActionItemStatus as ActionItemStatusModel
from api.cx.action_items.types import ActionItem, ActionItemStatus
from api.kit.ids import optional_node_id
from api.kit.mutations import UserError, attempt, id_of, later


@strawberry.input(description="A new action item; the client and project default to those of the feedback.")
class CreateActionItemInput:
    title: str
    client_id: relay.GlobalID | None = None
    project_id: relay.GlobalID | None = None
    feedback_id: relay.GlobalID | None = None
    you_said: str = ""
    we_did: str = ""
    status: ActionItemStatus = ActionItemStatusModel.OPEN
    client_visible: bool = False
    owner_email: str | None = strawberry.field(default=None, description="A PMO staff member; the caller by default.")
    due_date: date | None = None

    def draft(self) -> action_item_service.ActionItemDraft:
        return action_item_service.ActionItemDraft(
            title=self.title,
            client_id=optional_node_id(self.client_id, "Client", field="clientId"),
            project_id=optional_node_id(self.project_id, "Project", field="projectId"),
            feedback_id=optional_node_id(self.feedback_id, "Feedback", field="feedbackId"),
            you_said=self.you_said,
            we_did=self.we_did,
            status=self.status,
            client_visible=self.client_visible,
            owner_email=self.owner_email,
            due_date=self.due_date,
        )


@strawberry.input(description="Changes to an action item; omitted fields stay as they are.")
class UpdateActionItemInput:
    id: relay.GlobalID
    title: str | None = None
    you_said: str | None = None
    we_did: str | None = None
    status: ActionItemStatus | None = None
    client_visible: bool | None = None
    owner_email: str | None = None
    due_date: date | None = None

    def changes(self) -> action_item_service.ActionItemChanges:
        return action_item_service.ActionItemChanges(
            title=self.title, you_said=self.you_said, we_did=self.we_did, status=self.status,
            client_visible=self.client_visible, owner_email=self.owner_email, due_date=self.due_date)


@strawberry.type
class ActionItemPayload:
    action_item: ActionItem | None
    user_errors: list[UserError]


@strawberry.type
class ActionItemMutations:
    @strawberry.mutation(description="Record an action item, optionally answering one piece of feedback (PMO staff).")
    async def create_action_item(self, info: Info, input: CreateActionItemInput) -> ActionItemPayload:
        context = info.context
        row, errors = await attempt(context.session, action_item_service.create_action_item,
                                    principal=context.principal, draft=later(input.draft))
        return ActionItemPayload(action_item=ActionItem.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Change an action item; DONE stamps its completion (PMO staff).")
    async def update_action_item(self, info: Info, input: UpdateActionItemInput) -> ActionItemPayload:
        context = info.context
        row, errors = await attempt(context.session, action_item_service.update_action_item,
                                    principal=context.principal,
                                    action_item_id=id_of(input.id, "ActionItem", field="id"),
                                    changes=input.changes())
        return ActionItemPayload(action_item=ActionItem.from_model(row) if row else None, user_errors=errors)
