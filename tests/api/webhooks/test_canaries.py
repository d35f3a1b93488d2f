"""Every webhook type, to a client's endpoint and to the PMO's: the client's body never holds an internal field,
an internal item, another client's data or a PMO-only type; the PMO's holds what PMO staff read."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.projects.milestone_service import MilestoneFields, update_milestone
from api.projects.models import MilestoneStatus
from api.settings import Settings
from api.sites.models import BuildState
from sitegen import foreground
from tests.api.delivery.world import CANARIES, publish
from tests.api.webhooks.world import HookWorld, create_endpoint, react_and_call, run
from tests.fixtures.graphql import global_id
from tests.fixtures.webhooks import Receiver

ALL_TYPES = ["STATUS_REPORT_PUBLISHED", "MILESTONE_SUBMITTED", "MILESTONE_ACCEPTED", "MILESTONE_REJECTED",
             "ACTION_ITEM_DONE", "SITE_PUBLISHED"]
INTERNAL_FIELDS = ("internalNotes", "clientVisible", "respondent", '"error"')
HIDDEN_ITEM = "CANARY-INTERNAL-ACTION-ITEM"
ACTION = """mutation($input: CreateActionItemInput!) { createActionItem(input: $input) { userErrors { message } } }"""
FEEDBACK = """mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { userErrors { message } } }"""


async def _milestone(sessions: async_sessionmaker[AsyncSession], world: HookWorld, status: MilestoneStatus) -> None:
    actor = world.mail.staff if status is MilestoneStatus.SUBMITTED else world.mail.contact
    async with sessions() as session:
        await update_milestone(session, principal=actor, milestone_id=world.mail.deliverable_id,
                               fields=MilestoneFields(status=status))
        await session.commit()


async def _item(sessions: async_sessionmaker[AsyncSession], settings: Settings, world: HookWorld, title: str,
                visible: bool) -> None:
    result = await run(sessions, settings, world.mail.staff, ACTION, input={
        "clientId": global_id("Client", world.mail.client_id), "title": title, "youSaid": "Too few updates.",
        "weDid": "A weekly call.", "status": "DONE", "clientVisible": visible})
    assert result.data["createActionItem"]["userErrors"] == []


async def test_each_type_reaches_the_endpoints_that_asked_and_a_client_body_holds_only_what_the_client_reads(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    client = {"clientId": global_id("Client", world.mail.client_id)}
    assert (await create_endpoint(sessions, app_settings, world.client_token, url=receiver.url + "/client",
                                  eventTypes=ALL_TYPES, **client))["userErrors"] == []
    assert (await create_endpoint(sessions, app_settings, world.admin, url=receiver.url + "/pmo",
                                  eventTypes=[*ALL_TYPES, "FEEDBACK_RECEIVED"]))["userErrors"] == []
    await publish(sessions, world.mail)
    await _milestone(sessions, world, MilestoneStatus.SUBMITTED)
    await _milestone(sessions, world, MilestoneStatus.REJECTED)
    await _milestone(sessions, world, MilestoneStatus.SUBMITTED)
    await _milestone(sessions, world, MilestoneStatus.ACCEPTED)
    await _item(sessions, app_settings, world, "Weekly call", visible=True)
    await _item(sessions, app_settings, world, HIDDEN_ITEM, visible=False)
    feedback = await run(sessions, app_settings, world.mail.staff, FEEDBACK, input={
        **client, "touchpoint": "GENERAL", "csat": 2, "comment": "Slow answers.", "painPoints": []})
    assert feedback.data["submitFeedback"]["userErrors"] == []
    await react_and_call(sessions, app_settings)

    bodies: dict[str, list[dict[str, Any]]] = {"/hooks/client": [], "/hooks/pmo": []}
    raw: dict[str, str] = {"/hooks/client": "", "/hooks/pmo": ""}
    for request in receiver.requests:
        bodies[request.path].append(request.json)
        raw[request.path] += request.body.decode()
    sent = {path: Counter(body["type"] for body in found) for path, found in bodies.items()}
    assert sent["/hooks/client"] == Counter({"status_report.published": 1, "milestone.submitted": 2,
                                             "milestone.rejected": 1, "milestone.accepted": 1,
                                             "action_item.done": 1})
    assert sent["/hooks/pmo"] == sent["/hooks/client"] + Counter({"action_item.done": 1, "feedback.received": 1})
    assert [body["data"]["title"] for body in bodies["/hooks/client"] if body["type"] == "action_item.done"] == [
        "Weekly call"]
    leaks = [word for word in (*CANARIES, HIDDEN_ITEM, *INTERNAL_FIELDS) if word in raw["/hooks/client"]]
    assert leaks == []
    pmo_feedback = next(body for body in bodies["/hooks/pmo"] if body["type"] == "feedback.received")
    assert pmo_feedback["data"]["comment"] == "Slow answers." and "respondent" in pmo_feedback["data"]
    assert HIDDEN_ITEM in raw["/hooks/pmo"]


async def test_a_published_site_reaches_the_clients_endpoint_without_the_build_error_field(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    assert (await create_endpoint(sessions, app_settings, world.client_token, url=receiver.url,
                                  eventTypes=["SITE_PUBLISHED"],
                                  clientId=global_id("Client", world.mail.client_id)))["userErrors"] == []
    outcomes = await foreground.build_sites(sessions, settings=app_settings)
    assert {outcome.slug: outcome.state for outcome in outcomes}["harbor"] is BuildState.PUBLISHED
    await react_and_call(sessions, app_settings)
    [request] = receiver.requests
    body = request.json
    assert body["type"] == "site.published" and body["data"]["state"] == "PUBLISHED"
    assert body["data"]["client"]["name"] == "Harbor Authority"
    assert body["data"]["client"]["site"]["url"].endswith("/index.html")
    assert "error" not in body["data"] and not [canary for canary in CANARIES if canary in request.body.decode()]
