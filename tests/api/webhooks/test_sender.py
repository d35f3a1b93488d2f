"""Signed requests to a real receiver on loopback: the body as the owner reads it, the same webhook-id on every
retry, no redirect followed, the schedule, and an endpoint disabled (its owner told) when it keeps failing."""

from __future__ import annotations

import asyncio
import base64
import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.changes.models import OutboxEvent
from api.delivery.models import Delivery, DeliveryChannel, DeliveryState
from api.flows.runner import run_due_reactions
from api.kit.columns import utcnow
from api.settings import Settings
from api.webhooks import sender as webhook_sender
from api.webhooks.models import WebhookEndpoint
from tests.api.delivery.world import CANARIES, INTERNAL_NOTE, publish, react_and_send
from tests.api.webhooks.world import HookWorld, create_endpoint, react_and_call, run
from tests.fixtures.graphql import global_id
from tests.fixtures.mail import Inbox
from tests.fixtures.webhooks import Receiver, signatures_valid


async def _register(sessions: async_sessionmaker[AsyncSession], settings: Settings, world: HookWorld, url: str, *,
                    pmo: bool = False, types: tuple[str, ...] = ("STATUS_REPORT_PUBLISHED",)) -> dict[str, Any]:
    values: dict[str, Any] = {"url": url, "eventTypes": list(types)}
    if not pmo:
        values["clientId"] = global_id("Client", world.mail.client_id)
    payload = await create_endpoint(sessions, settings, world.admin if pmo else world.client_token, **values)
    assert payload["userErrors"] == []
    return payload


async def _webhooks(sessions: async_sessionmaker[AsyncSession]) -> list[Delivery]:
    async with sessions() as session:
        return list(await session.scalars(select(Delivery).where(Delivery.channel == DeliveryChannel.WEBHOOK)
                                          .order_by(Delivery.id)))


async def _make_due(sessions: async_sessionmaker[AsyncSession], **values: Any) -> None:
    async with sessions() as session:
        await session.execute(update(Delivery).where(Delivery.state == DeliveryState.PENDING,
                                                     Delivery.channel == DeliveryChannel.WEBHOOK)
                              .values(due_at=utcnow() - timedelta(seconds=1), **values))
        await session.commit()


async def test_a_published_report_reaches_each_endpoint_signed_as_its_owner_may_read_it(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    client_hook = await _register(sessions, app_settings, world, receiver.url + "/client")
    pmo_hook = await _register(sessions, app_settings, world, receiver.url + "/pmo", pmo=True)
    await publish(sessions, world.mail)
    assert await react_and_call(sessions, app_settings) == 2
    by_path = {request.path: request for request in receiver.requests}
    assert sorted(by_path) == ["/hooks/client", "/hooks/pmo"]
    async with sessions() as session:
        event_id = await session.scalar(select(OutboxEvent.id).where(OutboxEvent.kind == "ReportPublished"))
    for path, hook in (("/hooks/client", client_hook), ("/hooks/pmo", pmo_hook)):
        request = by_path[path]
        assert signatures_valid(hook["secret"], request) == [True]
        assert request.headers["content-type"] == "application/json"
        endpoint_pk = int(base64.b64decode(hook["webhookEndpoint"]["id"]).decode().split(":")[1])
        assert request.headers["webhook-id"] == f"msg_rapport_e{event_id}_w{endpoint_pk}"
        assert abs(int(request.headers["webhook-timestamp"]) - utcnow().timestamp()) < 30
        body = request.json
        assert sorted(body) == ["data", "timestamp", "type"] and body["type"] == "status_report.published"
        assert body["timestamp"].endswith("Z")
        assert body["data"]["title"] == world.mail.report_title and body["data"]["state"] == "PUBLISHED"
        assert body["data"]["project"]["code"] == world.mail.project_code
    client_body = by_path["/hooks/client"].body.decode()
    assert "internalNotes" not in client_body
    assert not [canary for canary in CANARIES if canary in client_body]
    assert by_path["/hooks/pmo"].json["data"]["internalNotes"] == INTERNAL_NOTE
    assert [(row.state, row.attempts, row.last_error) for row in await _webhooks(sessions)] == [
        (DeliveryState.SENT, 1, None)] * 2
    assert await react_and_call(sessions, app_settings) == 0  # once per event and endpoint
    assert len(receiver.requests) == 2


async def test_a_500_then_200_is_retried_with_the_same_webhook_id_body_and_a_valid_signature(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    hook = await _register(sessions, app_settings, world, receiver.url)
    receiver.answers.extend([500])
    await publish(sessions, world.mail)
    await react_and_call(sessions, app_settings)
    [delivery] = await _webhooks(sessions)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert delivery.last_error == "HTTP 500: answered"
    wait = (delivery.due_at - utcnow()).total_seconds()
    assert 3 < wait <= 6.1  # the first retry: 5 s and up to a fifth more
    assert await react_and_call(sessions, app_settings) == 0  # not yet due
    await _make_due(sessions)
    await react_and_call(sessions, app_settings)
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    assert signatures_valid(hook["secret"], first) == [True] and signatures_valid(hook["secret"], second) == [True]
    [delivery] = await _webhooks(sessions)
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 2, None)


async def test_a_redirect_is_not_followed_and_a_slow_receiver_times_out(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    await _register(sessions, app_settings, world, receiver.url)
    receiver.answers.extend([302])
    await publish(sessions, world.mail)
    await react_and_call(sessions, app_settings)
    assert len(receiver.requests) == 1 and receiver.elsewhere == 0
    [delivery] = await _webhooks(sessions)
    assert delivery.state is DeliveryState.PENDING
    assert delivery.last_error.startswith("HTTP 302: redirects are not followed")
    receiver.delay = 1.0
    await _make_due(sessions)
    await react_and_call(sessions, app_settings, timeout=0.2)
    [delivery] = await _webhooks(sessions)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 2)
    assert delivery.last_error.startswith("no answer within")


def test_the_schedule_spans_about_three_days_with_jitter() -> None:
    rng = random.Random(7)
    total = sum((webhook_sender.retry_delay(n, rng=rng) for n in range(1, webhook_sender.MAX_ATTEMPTS)),
                timedelta())
    assert timedelta(days=3) < total < timedelta(days=3.8)
    delays = {webhook_sender.retry_delay(1, rng=rng) for _ in range(20)}
    assert len(delays) > 1 and all(timedelta(seconds=5) <= delay <= timedelta(seconds=6) for delay in delays)


async def _owner_mail(sessions: async_sessionmaker[AsyncSession], settings: Settings, inbox: Inbox,
                      address: str) -> list[Any]:
    await react_and_send(sessions, settings, inbox.transport())
    return [message for message in inbox.messages
            if message["To"] == address and message["Subject"].startswith("Webhook endpoint")]


async def test_a_410_disables_the_endpoint_suppresses_what_it_was_owed_and_tells_its_owner(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver, smtp_server: Inbox) -> None:
    await _register(sessions, app_settings, world, receiver.url, types=("STATUS_REPORT_PUBLISHED",
                                                                        "MILESTONE_SUBMITTED"))
    receiver.answers.extend([410])
    await publish(sessions, world.mail)
    await run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:  # a second request owed to the endpoint, due after the first
        [owed] = await _webhooks(sessions)
        event = OutboxEvent(kind="ReportPublished", client_id=world.mail.client_id, payload={},
                            dispatched_at=utcnow())
        session.add(event)
        await session.flush()
        session.add(Delivery(event_id=event.id, channel=DeliveryChannel.WEBHOOK, kind=owed.kind,
                             client_id=owed.client_id, endpoint_id=owed.endpoint_id, address=owed.address,
                             event_type=owed.event_type, state=DeliveryState.PENDING, message_id="msg_second"))
        await session.commit()
    await react_and_call(sessions, app_settings)
    assert len(receiver.requests) == 1
    [delivery, second] = await _webhooks(sessions)
    assert delivery.state is DeliveryState.FAILED and "410" in delivery.last_error
    assert second.state is DeliveryState.SUPPRESSED and second.last_error.startswith("the endpoint was disabled")
    async with sessions() as session:
        endpoint = await session.scalar(select(WebhookEndpoint))
    assert endpoint.disabled_at is not None and "410" in endpoint.disabled_reason
    [mail] = await _owner_mail(sessions, app_settings, smtp_server, world.token_owner_email)
    assert mail["Subject"] == f"Webhook endpoint disabled: {receiver.url}"
    assert mail["List-Unsubscribe"] is None  # service mail about their own endpoint
    text = mail.get_body(("plain",)).get_content()
    assert "410" in text and receiver.url in text


async def test_an_endpoint_still_failing_after_the_last_attempt_is_disabled_and_its_owner_told_early_and_then(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver, smtp_server: Inbox) -> None:
    await _register(sessions, app_settings, world, receiver.url)
    receiver.answers.extend([503, 503])
    await publish(sessions, world.mail)
    await run_due_reactions(sessions, settings=app_settings)
    await _make_due(sessions, attempts=webhook_sender.WARN_AFTER_ATTEMPTS - 1)
    await react_and_call(sessions, app_settings)
    [warning] = await _owner_mail(sessions, app_settings, smtp_server, world.token_owner_email)
    assert warning["Subject"] == f"Webhook endpoint failing: {receiver.url}"
    await _make_due(sessions, attempts=webhook_sender.MAX_ATTEMPTS - 1)
    await react_and_call(sessions, app_settings)
    [delivery] = await _webhooks(sessions)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, webhook_sender.MAX_ATTEMPTS)
    mails = await _owner_mail(sessions, app_settings, smtp_server, world.token_owner_email)
    assert [mail["Subject"] for mail in mails] == [f"Webhook endpoint failing: {receiver.url}",
                                                   f"Webhook endpoint disabled: {receiver.url}"]
    assert "kept failing" in mails[1].get_body(("plain",)).get_content()


async def test_a_crash_between_sending_and_recording_sends_the_same_request_again(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = await _register(sessions, app_settings, world, receiver.url)
    await publish(sessions, world.mail)
    real_post = webhook_sender.post

    async def post_then_crash(*args: Any, **kwargs: Any) -> webhook_sender.Answer:
        await real_post(*args, **kwargs)
        raise SystemExit("the process died before recording the answer")

    monkeypatch.setattr(webhook_sender, "post", post_then_crash)
    with pytest.raises(SystemExit):
        await react_and_call(sessions, app_settings)
    [delivery] = await _webhooks(sessions)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1) and delivery.payload is not None
    assert delivery.due_at > utcnow() + timedelta(seconds=30)  # the claimed attempt is not taken again at once
    monkeypatch.setattr(webhook_sender, "post", real_post)
    assert await react_and_call(sessions, app_settings) == 0
    await _make_due(sessions)  # the claim ran out
    await react_and_call(sessions, app_settings)
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    assert signatures_valid(hook["secret"], second) == [True]
    [delivery] = await _webhooks(sessions)
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 2)


ROTATE = ("mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) "
          "{ secret userErrors { code } } }")


async def test_during_a_rotation_each_request_is_signed_by_both_secrets(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    hook = await _register(sessions, app_settings, world, receiver.url)
    rotated = (await run(sessions, app_settings, world.client_token, ROTATE,
                         input={"endpointId": hook["webhookEndpoint"]["id"]})).data["rotateWebhookSecret"]
    await publish(sessions, world.mail)
    await react_and_call(sessions, app_settings)
    [request] = receiver.requests
    assert signatures_valid(rotated["secret"], request) == [True, False]  # newest first
    assert signatures_valid(hook["secret"], request) == [False, True]


async def test_a_slow_receiver_holds_no_lock_while_it_answers(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    await _register(sessions, app_settings, world, receiver.url)
    await publish(sessions, world.mail)
    await run_due_reactions(sessions, settings=app_settings)
    receiver.delay = 1.0
    sending = asyncio.create_task(react_and_call(sessions, app_settings))
    while not receiver.requests:
        await asyncio.sleep(0.02)
    async with sessions() as session:  # another writer, on the very row, while the request waits for its answer
        await session.execute(update(Delivery).where(Delivery.channel == DeliveryChannel.WEBHOOK)
                              .values(address=receiver.url + "?noted"))
        await session.commit()
    assert receiver.answered == 0  # the write did not wait for the answer
    await sending
    [delivery] = await _webhooks(sessions)
    assert (delivery.state, delivery.address) == (DeliveryState.SENT, receiver.url + "?noted")
