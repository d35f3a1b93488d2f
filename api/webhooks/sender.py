"""Sending the webhook requests that are due: compose the body once, sign it, POST it, record how it went.

The body is composed on the first attempt and kept on the delivery, so every attempt sends the same bytes under
the same `webhook-id`; only `webhook-timestamp` and the signatures are new. Each request goes to the address the
SSRF guard resolved, within 5 seconds, and a redirect is an answer, not a place to go. No transaction is open
while a request waits for its answer. Non-2xx answers and
timeouts are retried on the Standard Webhooks schedule (5 s up to 24 h, with jitter: about 3 days in all); the
owner is told when an endpoint keeps failing, and when it is disabled after the last attempt or a 410 Gone.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.changes.events import event_of
from api.changes.models import OutboxEvent
from api.delivery.models import Delivery, DeliveryState
from api.delivery.notices import NotVisible
from api.kit.columns import utcnow
from api.settings import Settings
from api.webhooks import guard, signing
from api.webhooks import service as webhook_service
from api.webhooks.models import WebhookEndpoint, WebhookEventType
from api.webhooks.payloads import compose_body

logger = logging.getLogger("rapport.webhooks")
TIMEOUT_SECONDS = 5.0
# After the first attempt: the specification's example schedule, about 3 days in all.
RETRY_DELAYS = tuple(timedelta(seconds=seconds) for seconds in (
    5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
WARN_AFTER_ATTEMPTS = 5  # about 2 h 35 min of failures: the owner hears of it long before the endpoint is disabled
WARN_EVERY = timedelta(hours=24)
JITTER = 0.2  # each wait is lengthened by up to a fifth, so retries after an outage do not arrive all at once
EXCERPT_BYTES = 200
CLAIM = timedelta(seconds=60)  # an attempt in flight is not taken again before this (a crash then resends it)


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return RETRY_DELAYS[attempts - 1] * (1 + (rng or random).random() * JITTER)


def http_client() -> httpx.AsyncClient:
    """The client every webhook request goes through: 5 s in all, no redirects, no proxy from the environment."""
    return httpx.AsyncClient(timeout=httpx.Timeout(TIMEOUT_SECONDS), follow_redirects=False, trust_env=False,
                             limits=httpx.Limits(max_connections=50, max_keepalive_connections=20))


@dataclass(frozen=True)
class Answer:
    """How one request went: delivered, gone (410: disable the endpoint), or failed with an error to retry."""

    delivered: bool
    error: str | None = None
    gone: bool = False


async def post(client: httpx.AsyncClient, *, settings: Settings, url: str, signing_secrets: list[str],
               message_id: str, body: str, now: datetime) -> Answer:
    """POST one signed request to the address the guard allows."""
    try:
        target = await guard.resolve(url, settings=settings)
    except guard.Refused as exc:
        return Answer(delivered=False, error=f"refused: {exc}")
    headers = signing.request_headers(signing_secrets, message_id=message_id, timestamp=now, body=body)
    headers["host"] = target.host_header
    extensions = {"sni_hostname": target.url.host} if target.url.scheme == "https" else {}
    try:
        async with client.stream("POST", target.request_url, content=body.encode(), headers=headers,
                                 extensions=extensions) as response:
            status = response.status_code
            excerpt = await _excerpt(response)
    except httpx.TimeoutException:
        return Answer(delivered=False, error=f"no answer within {TIMEOUT_SECONDS:g} s")
    except httpx.HTTPError as exc:
        return Answer(delivered=False, error=f"could not reach the endpoint: {type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return Answer(delivered=True)
    if status == 410:
        return Answer(delivered=False, gone=True, error="HTTP 410 Gone: the receiver asked for no more requests")
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        return Answer(delivered=False, error=f"HTTP {status}: redirects are not followed (to {location[:200]})")
    return Answer(delivered=False, error=f"HTTP {status}" + (f": {excerpt}" if excerpt else ""))


async def _excerpt(response: httpx.Response) -> str:
    """The start of an answer's body, on one line (enough to tell an error page from another)."""
    taken = b""
    async for chunk in response.aiter_bytes():
        taken += chunk
        if len(taken) >= EXCERPT_BYTES:
            break
    return " ".join(taken[:EXCERPT_BYTES].decode("utf-8", "replace").split())


async def _compose(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                   delivery_id: int) -> tuple[str | None, str | None] | None:
    """Make sure the delivery has its body. Returns (suppressed, error), or None when it is not pending."""
    async with session_factory() as reader:
        delivery = await reader.get(Delivery, delivery_id)
        if delivery is None or delivery.state is not DeliveryState.PENDING:
            return None
        endpoint = await reader.get(WebhookEndpoint, delivery.endpoint_id) if delivery.endpoint_id else None
        if endpoint is None or endpoint.disabled_at is not None:
            return "the endpoint is disabled", None
        if delivery.payload is not None:
            return None, None
        row = await reader.get(OutboxEvent, delivery.event_id)
        event = event_of(row) if row is not None else None
        try:
            if row is None or event is None or delivery.event_type is None:
                raise NotVisible("the event is gone")
            body = await compose_body(reader, settings=settings, endpoint=endpoint, event=event,
                                      event_type=WebhookEventType(delivery.event_type), occurred_at=row.occurred_at)
        except NotVisible as exc:
            return str(exc), None
        except Exception as exc:  # noqa: BLE001 - recorded on the delivery and retried like a failed request
            logger.exception("composing webhook delivery %s failed", delivery_id)
            return None, f"composing failed: {type(exc).__name__}: {exc}"
        finally:
            await reader.rollback()
    async with session_factory() as session:  # kept before any attempt: a crash after sending resends these bytes
        await session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.payload.is_(None))
                              .values(payload=body))
        await session.commit()
    return None, None


@dataclass(frozen=True)
class _Claim:
    """One attempt taken: what to send, and the attempt number the outcome is recorded against."""

    url: str
    message_id: str
    body: str
    signing_secrets: list[str]
    attempts: int


async def send_webhook(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                       client: httpx.AsyncClient, delivery_id: int) -> DeliveryState | None:
    """Send one due pending webhook delivery; None when it is not due or pending.

    The attempt is claimed in one short transaction (its next try is put off by CLAIM, so no other sender takes
    it), the request made outside any transaction (a slow receiver holds no lock for its 5 s), and the answer
    recorded in another. A crash in between leaves it pending, sent again under the same webhook-id once the
    claim runs out."""
    composed = await _compose(session_factory, settings=settings, delivery_id=delivery_id)
    if composed is None:
        return None
    suppressed, error = composed
    async with session_factory() as session:
        now = utcnow()
        delivery, endpoint = await _locked(session, delivery_id, now=now)
        if delivery is None:
            await session.rollback()
            return None
        delivery.attempts += 1
        claim = None
        if suppressed is not None or endpoint is None or endpoint.disabled_at is not None:
            delivery.state = DeliveryState.SUPPRESSED
            delivery.last_error = suppressed or "the endpoint is disabled"
        elif delivery.payload is None:
            await _failed(session, delivery, endpoint, error or "nothing to send", now=now)
        else:
            delivery.due_at = now + CLAIM
            claim = _Claim(url=endpoint.url, message_id=delivery.message_id, body=delivery.payload,
                           attempts=delivery.attempts,
                           signing_secrets=await webhook_service.signing_secrets(session, endpoint_id=endpoint.id,
                                                                                 now=now))
        state = delivery.state
        await session.commit()
    if claim is None:
        return state
    answer = await post(client, settings=settings, url=claim.url, message_id=claim.message_id, body=claim.body,
                        signing_secrets=claim.signing_secrets, now=utcnow())
    return await _record(session_factory, delivery_id, claim, answer)


async def _locked(session: AsyncSession, delivery_id: int, *,
                  now: datetime) -> tuple[Delivery | None, WebhookEndpoint | None]:
    delivery = await session.scalar(
        select(Delivery).where(Delivery.id == delivery_id, Delivery.state == DeliveryState.PENDING,
                               Delivery.due_at <= now)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)
    )
    if delivery is None:
        return None, None
    endpoint = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == delivery.endpoint_id)
                                    .with_for_update().execution_options(populate_existing=True))
    return delivery, endpoint


async def _record(session_factory: async_sessionmaker[AsyncSession], delivery_id: int, claim: _Claim,
                  answer: Answer) -> DeliveryState | None:
    """Record how the claimed attempt went; nothing when the delivery moved on meanwhile (sent again on request,
    or suppressed because the endpoint was disabled: a request that arrived all the same is recorded SENT)."""
    async with session_factory() as session:
        now = utcnow()
        delivery = await session.scalar(
            select(Delivery).where(Delivery.id == delivery_id, Delivery.attempts == claim.attempts,
                                   Delivery.state.in_([DeliveryState.PENDING, DeliveryState.SUPPRESSED]))
            .with_for_update().execution_options(populate_existing=True))
        if delivery is None or (delivery.state is DeliveryState.SUPPRESSED and not answer.delivered):
            await session.rollback()
            return None
        if answer.delivered:
            delivery.state, delivery.sent_at, delivery.last_error = DeliveryState.SENT, now, None
        else:
            endpoint = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == delivery.endpoint_id)
                                            .with_for_update().execution_options(populate_existing=True))
            logger.warning("webhook delivery %s to endpoint %s failed: %s", delivery.id, delivery.endpoint_id,
                           answer.error)
            if endpoint is None:
                delivery.state, delivery.last_error = DeliveryState.SUPPRESSED, "the endpoint is gone"
            else:
                await _failed(session, delivery, endpoint, answer.error or "failed", now=now, gone=answer.gone)
        state = delivery.state
        await session.commit()
        return state


async def _failed(session: AsyncSession, delivery: Delivery, endpoint: WebhookEndpoint, error: str, *,
                  now: datetime, gone: bool = False) -> None:
    delivery.last_error = error[:2000]
    if gone or delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
        reason = (error if gone else
                  f"requests kept failing for {_since(delivery.created_at, now)} ({delivery.attempts} attempts)")
        await webhook_service.disable_failing(session, endpoint, reason=reason, error=error)
        return
    delivery.due_at = now + retry_delay(delivery.attempts)
    if delivery.attempts == WARN_AFTER_ATTEMPTS and (endpoint.warned_at is None
                                                     or now - endpoint.warned_at >= WARN_EVERY):
        endpoint.warned_at = now
        webhook_service.warn_failing(session, endpoint, error=error)


def _since(start: datetime, now: datetime) -> str:
    hours = (now - start).total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"
