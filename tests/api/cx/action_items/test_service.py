"""createActionItem, updateActionItem and actionItems: "You said, we did", with internal items kept internal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.cx.action_items.models import ActionItem
from tests.api.cx.conftest import World, count_rows, gid
from tests.fixtures.factories import make_action_item, make_feedback
from tests.fixtures.graphql import data_of, execute

FIELDS = "id title youSaid weDid status clientVisible dueDate completedAt owner { name } project { code } " \
         "client { slug } feedback { csat }"
CREATE = f"""
mutation($input: CreateActionItemInput!) {{
  createActionItem(input: $input) {{ actionItem {{ {FIELDS} }} userErrors {{ field message code }} }}
}}"""
UPDATE = f"""
mutation($input: UpdateActionItemInput!) {{
  updateActionItem(input: $input) {{ actionItem {{ {FIELDS} }} userErrors {{ field message code }} }}
}}"""


async def test_an_item_answering_feedback_takes_its_client_and_project(session: AsyncSession, world: World) -> None:
    feedback = await make_feedback(session, client=world.alpha, project_id=world.alpha_project.id, csat=2)
    payload = (await data_of(session, world.staff, CREATE, input={
        "title": "Send reports on the first working day", "feedbackId": gid("Feedback", feedback.id),
        "youSaid": "Reports arrive late.", "dueDate": "2026-04-30"}))["createActionItem"]
    assert payload["userErrors"] == []
    item = payload["actionItem"]
    assert (item["status"], item["clientVisible"], item["completedAt"]) == ("OPEN", False, None)
    assert item["client"] == {"slug": "alpha"} and item["project"] == {"code": "A-1"}
    assert item["feedback"] == {"csat": 2} and item["owner"] == {"name": "Pat Manager"}
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "action_item.create"))
    assert event.organization_id == world.alpha.id


async def test_done_stamps_completion_and_leaving_done_clears_it(session: AsyncSession, world: World) -> None:
    created = (await data_of(session, world.staff, CREATE, input={
        "title": "Weekly office hours", "clientId": gid("Client", world.alpha.id)}))["createActionItem"]["actionItem"]
    done = (await data_of(session, world.staff, UPDATE, input={
        "id": created["id"], "status": "DONE", "weDid": "Office hours every Tuesday.", "clientVisible": True}))
    item = done["updateActionItem"]["actionItem"]
    assert item["status"] == "DONE" and item["completedAt"] is not None and item["clientVisible"] is True
    assert item["title"] == "Weekly office hours" and item["weDid"] == "Office hours every Tuesday."
    reopened = await data_of(session, world.staff, UPDATE, input={"id": created["id"], "status": "IN_PROGRESS"})
    assert reopened["updateActionItem"]["actionItem"]["completedAt"] is None
    created_done = await data_of(session, world.staff, CREATE, input={
        "title": "Fixed", "clientId": gid("Client", world.alpha.id), "status": "DONE"})
    assert created_done["createActionItem"]["actionItem"]["completedAt"] is not None
    actions = [e.action for e in await session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["action_item.create", "action_item.update", "action_item.update", "action_item.create"]


async def test_refusals_change_nothing(session: AsyncSession, world: World) -> None:
    item = await make_action_item(session, client=world.alpha, client_visible=False, title="Keep")
    cases = [
        (CREATE, {"title": " ", "clientId": gid("Client", world.alpha.id)}, "title", "INVALID"),
        (CREATE, {"title": "No client"}, "clientId", "INVALID"),
        (CREATE, {"title": "Shown", "clientId": gid("Client", world.alpha.id), "status": "DONE", "clientVisible": True},
         "weDid", "INVALID"),
        (CREATE, {"title": "X", "clientId": gid("Client", world.alpha.id), "ownerEmail": "ann@alpha.example"},
         "ownerEmail", "NOT_FOUND"),
        (CREATE, {"title": "X", "clientId": gid("Client", world.alpha.id),
                  "projectId": gid("Project", world.beta_project.id)},
         "projectId", "NOT_FOUND"),
        (UPDATE, {"id": gid("ActionItem", item.id), "status": "DONE", "clientVisible": True}, "weDid", "INVALID"),
        (UPDATE, {"id": gid("ActionItem", 999_999), "title": "Y"}, "id", "NOT_FOUND"),
    ]
    for mutation, values, field, code in cases:
        data = await data_of(session, world.staff, mutation, input=values)
        payload = next(iter(data.values()))
        assert payload["actionItem"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)], values
    await session.refresh(item)
    assert (item.status.value, item.client_visible, item.completed_at) == ("OPEN", False, None)
    assert await count_rows(session, ActionItem) == 1 and await count_rows(session, AuditEvent) == 0


async def test_clients_see_only_their_client_visible_items(session: AsyncSession, world: World) -> None:
    feedback = await make_feedback(session, client=world.alpha)
    shown = await make_action_item(session, client=world.alpha, feedback_id=feedback.id, we_did="Done.")
    internal = await make_action_item(session, client=world.alpha, client_visible=False)
    await make_action_item(session, client=world.beta)
    query = f"query {{ actionItems(first: 10) {{ totalCount edges {{ node {{ {FIELDS} }} }} }} }}"
    listed = await data_of(session, world.alpha_contact, query)
    assert listed["actionItems"]["totalCount"] == 1
    assert listed["actionItems"]["edges"][0]["node"]["id"] == gid("ActionItem", shown.id)
    assert listed["actionItems"]["edges"][0]["node"]["feedback"] == {"csat": 5}
    query = "query($id: ID!) { node(id: $id) { id } }"
    hidden = await execute(session, world.alpha_contact, query, id=gid("ActionItem", internal.id))
    missing = await execute(session, world.alpha_contact, query, id=gid("ActionItem", 999_999))
    assert hidden.data == missing.data == {"node": None}
    refused = await data_of(session, world.alpha_contact, UPDATE,
                            input={"id": gid("ActionItem", shown.id), "title": "Mine"})
    assert refused["updateActionItem"]["userErrors"][0]["code"] == "FORBIDDEN"
    staff = await data_of(session, world.staff, "query { actionItems(first: 10, status: OPEN) { totalCount } }")
    assert staff["actionItems"]["totalCount"] == 3
