"""Sending the deliveries that are due: compose each as its recipient, send it, record how it went.

A delivery is composed in a session of its own (it reads through the API as its recipient), then its row is
locked, the message handed to the transport and the outcome committed with the row. A crash after sending and
before that commit leaves it PENDING, and it is sent again under the same Message-ID, which receivers use to
keep one copy. Temporary failures (4xx answers, a server that cannot be reached) are retried with a doubling
delay; a permanent refusal (5xx) or the last attempt leaves it FAILED with its error for people to see.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.changes.events import event_of
from api.changes.models import OutboxEvent
from api.cx.surveys.models import SurveyInvitation
from api.cx.surveys.service import survey_link
from api.delivery.digests import record_due_digests, week_items
from api.delivery.mail import MailError, MailTransport, transport_for
from api.delivery.messages import build_message
from api.delivery.models import Delivery, DeliveryChannel, DeliveryState, NoticeKind
from api.delivery.notices import (
    Notice,
    NotVisible,
    comment_notice,
    digest_notice,
    endpoint_notice,
    milestone_notice,
    report_notice,
    survey_notice,
    update_request_notice,
)
from api.delivery.unsubscribe import unsubscribe_url
from api.kit.columns import utcnow
from api.kit.tasks import stopping
from api.settings import Settings
from api.update_requests.service import sweep_update_requests
from api.webhooks import sender as webhook_sender

logger = logging.getLogger("rapport.delivery")
MAX_ATTEMPTS = 10
FIRST_RETRY_DELAY = timedelta(seconds=30)  # then 1, 2, 4 ... minutes: about 4 h 15 min over the ten attempts
BATCH = 100
DIGEST_CHECK_SECONDS = 60
# Notices a person chose to receive carry a one-click unsubscribe; a notice about their own webhook endpoint is
# service mail about something they set up, with nothing to unsubscribe from.
# An update request is work the PMO asked of one person: service mail too.
UNSUBSCRIBABLE = frozenset(NoticeKind) - {NoticeKind.WEBHOOK_FAILING, NoticeKind.WEBHOOK, NoticeKind.UPDATE_REQUEST,
                                          NoticeKind.UPDATE_REMINDER}


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return FIRST_RETRY_DELAY * 2 ** (attempts - 1)


async def due_deliveries(session: AsyncSession, *, now: datetime | None = None, limit: int = BATCH,
                         channels: Collection[DeliveryChannel] = tuple(DeliveryChannel),
                         ) -> list[tuple[int, DeliveryChannel]]:
    """The pending deliveries of `channels` whose time has come, oldest first, with their channels."""
    rows = await session.execute(
        select(Delivery.id, Delivery.channel).where(Delivery.state == DeliveryState.PENDING,
                                                    Delivery.due_at <= (now or utcnow()),
                                                    Delivery.channel.in_(list(channels)))
        .order_by(Delivery.id).limit(limit)
    )
    return [(delivery_id, channel) for delivery_id, channel in rows]


async def compose(session: AsyncSession, *, settings: Settings, delivery: Delivery) -> Notice:
    """The notice a delivery carries, as its recipient may read it; NotVisible when they may not any more."""
    row = await session.get(OutboxEvent, delivery.event_id)
    event = event_of(row) if row is not None else None
    if event is None:
        raise NotVisible("the event is gone")
    invitation = (await session.get(SurveyInvitation, delivery.invitation_id)
                  if delivery.invitation_id is not None else None)
    link = survey_link(invitation, settings=settings) if invitation is not None else None
    recipient_id = delivery.recipient_id
    if recipient_id is None:
        raise NotVisible("a mail without a recipient")
    match delivery.kind:
        case NoticeKind.REPORT_PUBLISHED:
            return await report_notice(session, settings=settings, recipient_id=recipient_id,
                                       report_id=event.report_id, survey_link=link)  # type: ignore[attr-defined]
        case NoticeKind.MILESTONE_SUBMITTED:
            return await milestone_notice(session, settings=settings, recipient_id=recipient_id,
                                          milestone_id=event.milestone_id)  # type: ignore[attr-defined]
        case NoticeKind.WEEKLY_DIGEST:
            since, until = (datetime.fromisoformat(event.since),  # type: ignore[attr-defined]
                            datetime.fromisoformat(event.until))  # type: ignore[attr-defined]
            items = await week_items(session, client_id=delivery.client_id, since=since, until=until)
            week = f"{since.date().isoformat()} to {(until - timedelta(days=1)).date().isoformat()}"
            return await digest_notice(session, settings=settings, recipient_id=recipient_id,
                                       client_id=delivery.client_id, items=items, week=week)
        case NoticeKind.WEBHOOK_FAILING:
            return await endpoint_notice(session, settings=settings, recipient_id=recipient_id,
                                         endpoint_id=event.endpoint_id,  # type: ignore[attr-defined]
                                         disabled=event.disabled, error=event.error)  # type: ignore[attr-defined]
        case NoticeKind.UPDATE_REQUEST | NoticeKind.UPDATE_REMINDER:
            return await update_request_notice(session, settings=settings, recipient_id=recipient_id,
                                               request_id=event.request_id,  # type: ignore[attr-defined]
                                               reminder=delivery.kind is NoticeKind.UPDATE_REMINDER)
        case NoticeKind.COMMENT_MENTION:
            return await comment_notice(session, settings=settings, recipient_id=recipient_id,
                                        comment_id=event.comment_id)  # type: ignore[attr-defined]
        case NoticeKind.ACCEPTANCE_SURVEY | NoticeKind.CLOSEOUT_SURVEY:
            if invitation is None or link is None:
                raise NotVisible("the survey invitation this mail carried is gone")
            return await survey_notice(session, settings=settings, recipient_id=recipient_id,
                                       project_id=event.project_id,  # type: ignore[attr-defined]
                                       touchpoint=invitation.touchpoint.value, survey_link=link,
                                       milestone_id=invitation.milestone_id)
    raise NotVisible(f"no notice is written for {delivery.kind.value}")


async def send_delivery(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                        transport: MailTransport, delivery_id: int) -> DeliveryState | None:
    """Send one due pending delivery; None when it is not due or pending (sent already, or another sender has it)."""
    notice: Notice | None = None
    suppressed: str | None = None
    error = "nothing to send"
    async with session_factory() as reader:
        delivery = await reader.get(Delivery, delivery_id)
        if delivery is None or delivery.state is not DeliveryState.PENDING:
            return None
        try:
            notice = await compose(reader, settings=settings, delivery=delivery)
        except NotVisible as exc:
            suppressed = str(exc)
        except Exception as exc:  # noqa: BLE001 - recorded on the delivery and retried like a failed send
            logger.exception("composing delivery %s failed", delivery_id)
            error = f"composing failed: {type(exc).__name__}: {exc}"
        await reader.rollback()
    async with session_factory() as session:
        now = utcnow()
        delivery = await session.scalar(
            select(Delivery).where(Delivery.id == delivery_id, Delivery.state == DeliveryState.PENDING,
                                   Delivery.due_at <= now)
            .with_for_update(skip_locked=True).execution_options(populate_existing=True)
        )
        if delivery is None:
            await session.rollback()
            return None
        delivery.attempts += 1
        if suppressed is not None:
            delivery.state, delivery.last_error = DeliveryState.SUPPRESSED, suppressed
        elif notice is None:
            _failed(delivery, error, permanent=False, now=now)
        else:
            unsubscribe = (unsubscribe_url(settings, user_id=delivery.recipient_id, client_id=delivery.client_id,
                                           kind=delivery.kind)
                           if delivery.kind in UNSUBSCRIBABLE and delivery.recipient_id is not None else None)
            message = build_message(settings=settings, to=delivery.address, subject=notice.subject, text=notice.text,
                                    html=notice.html, message_id=delivery.message_id, date=delivery.created_at,
                                    unsubscribe=unsubscribe)
            try:
                await transport.send(message)
            except MailError as exc:
                logger.warning("delivery %s to recipient %s failed: %s", delivery.id, delivery.recipient_id, exc)
                _failed(delivery, str(exc), permanent=exc.permanent, now=now)
            else:
                delivery.state, delivery.sent_at, delivery.last_error = DeliveryState.SENT, utcnow(), None
        state = delivery.state
        await session.commit()
        return state


def _failed(delivery: Delivery, error: str, *, permanent: bool, now: datetime) -> None:
    delivery.last_error = error[:2000]
    if permanent or delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
    else:
        delivery.due_at = now + retry_delay(delivery.attempts)


@dataclass
class Senders:
    """What sends each channel: the mail transport (None when mail is off) and the webhook HTTP client."""

    transport: MailTransport | None
    client: httpx.AsyncClient

    @classmethod
    def for_settings(cls, settings: Settings) -> Senders:
        return cls(transport=transport_for(settings) if settings.mail_enabled else None,
                   client=webhook_sender.http_client())

    async def close(self) -> None:
        if self.transport is not None:
            await self.transport.close()
        await self.client.aclose()


async def send_due_deliveries(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                              transport: MailTransport | None, client: httpx.AsyncClient | None = None) -> int:
    """Send every delivery that is due, mail through `transport` and webhooks through `client`; returns how many
    were attempted. A channel without its sender is left for a sender that has it."""
    channels = [channel for channel, sender in ((DeliveryChannel.EMAIL, transport), (DeliveryChannel.WEBHOOK, client))
                if sender is not None]
    async with session_factory() as session:
        due = await due_deliveries(session, channels=channels)
        await session.rollback()
    attempted = 0
    for delivery_id, channel in due:
        if channel is DeliveryChannel.EMAIL and transport is not None:
            outcome = await send_delivery(session_factory, settings=settings, transport=transport,
                                          delivery_id=delivery_id)
        elif client is not None:
            outcome = await webhook_sender.send_webhook(session_factory, settings=settings, client=client,
                                                        delivery_id=delivery_id)
        if outcome is not None:
            attempted += 1
    return attempted


async def record_digests(session_factory: async_sessionmaker[AsyncSession]) -> int:
    """Record the weekly digests that came due (their reactions queue the mail)."""
    async with session_factory() as session:
        recorded = await record_due_digests(session)
        await session.commit()
        return recorded


async def sweep_requests(session_factory: async_sessionmaker[AsyncSession]) -> int:
    """Record the update request reminders that came due, and mark the requests that went overdue."""
    async with session_factory() as session:
        touched = await sweep_update_requests(session)
        await session.commit()
        return touched


async def run_deliveries_forever(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                                 poll_seconds: float = 1.0) -> None:
    """The sender beside the server or a worker: send what is due, then look again within `poll_seconds`."""
    senders = Senders.for_settings(settings)
    next_digest_check = 0.0
    try:
        while True:
            try:
                if time.monotonic() >= next_digest_check:
                    if settings.mail_enabled:
                        await record_digests(session_factory)
                    await sweep_requests(session_factory)
                    next_digest_check = time.monotonic() + DIGEST_CHECK_SECONDS
                while await send_due_deliveries(session_factory, settings=settings, transport=senders.transport,
                                                client=senders.client):
                    pass
            except Exception:  # noqa: BLE001 - a failed pass is logged and tried again
                if stopping():
                    raise asyncio.CancelledError from None
                logger.exception("sending deliveries failed")
            await asyncio.sleep(poll_seconds)
    finally:
        await senders.close()
