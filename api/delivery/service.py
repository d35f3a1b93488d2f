"""Deliveries owed because of an event: who gets one, made once per event and recipient."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, User
from api.delivery.mail import sender_domain
from api.delivery.models import Delivery, DeliveryChannel, DeliveryState, NoticeKind
from api.delivery.preferences import NOTICE_ROLES, preferences_of
from api.kit.columns import utcnow
from api.settings import Settings


async def notice_recipients(session: AsyncSession, *, client_id: int, kind: NoticeKind) -> list[User]:
    """The client's active contacts and executives who, by their preferences, receive a `kind` notice now."""
    people = list(await session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == client_id, Membership.role.in_(NOTICE_ROLES), User.is_active.is_(True))
        .distinct().order_by(User.id)
    ))
    preferences = await preferences_of(session, client_id=client_id, user_ids=[user.id for user in people])
    return [user for user in people if preferences[user.id].wants(kind)]


def message_id(*, event_id: int, recipient_id: int, settings: Settings) -> str:
    """The Message-ID of the one message an event owes a recipient: the same on every attempt, so a message sent
    again after a crash is one message to the receiving side."""
    return f"<rapport.event-{event_id}.user-{recipient_id}@{sender_domain(settings)}>"


async def queue_notices(session: AsyncSession, *, event_id: int, client_id: int, kind: NoticeKind,
                        settings: Settings, invitations: Mapping[int, int] | None = None, only_invited: bool = False,
                        now: datetime | None = None) -> list[Delivery]:
    """One pending email per recipient of the client's notices for this event, carrying the survey invitation
    made for that recipient (`invitations`: recipient id to invitation id), made once however often it runs.
    With `only_invited` the mail is the invitation itself: nobody the event did not invite gets one."""
    now = now or utcnow()
    invitations = invitations or {}
    made = set(await session.scalars(
        select(Delivery.recipient_id).where(Delivery.event_id == event_id, Delivery.channel == DeliveryChannel.EMAIL)
    ))
    queued = []
    for user in await notice_recipients(session, client_id=client_id, kind=kind):
        if user.id in made or (only_invited and user.id not in invitations):
            continue
        delivery = Delivery(
            event_id=event_id, channel=DeliveryChannel.EMAIL, kind=kind, client_id=client_id, recipient_id=user.id,
            address=user.email, invitation_id=invitations.get(user.id), attempts=0, due_at=now, created_at=now,
            state=DeliveryState.PENDING if settings.mail_enabled else DeliveryState.SUPPRESSED,
            last_error=None if settings.mail_enabled else "mail is switched off (RAPPORT_MAIL_ENABLED=false)",
            message_id=message_id(event_id=event_id, recipient_id=user.id, settings=settings),
        )
        session.add(delivery)
        queued.append(delivery)
    await session.flush()
    return queued


@dataclass(frozen=True)
class DeliverySummary:
    """Deliveries of one channel and kind in one state: how many, the oldest due, the latest error."""

    channel: str
    kind: str
    state: str
    count: int
    oldest_due: datetime | None
    last_error: str | None


async def delivery_summary(session: AsyncSession) -> list[DeliverySummary]:
    """Every delivery counted by channel, kind and state, for operators (no recipient is named)."""
    rows = await session.execute(
        select(Delivery.channel, Delivery.kind, Delivery.state, func.count(), func.min(Delivery.due_at),
               func.max(Delivery.id))
        .group_by(Delivery.channel, Delivery.kind, Delivery.state)
        .order_by(Delivery.channel, Delivery.kind, Delivery.state)
    )
    summaries = []
    for channel, kind, state, count, oldest_due, newest_id in rows:
        error = await session.scalar(select(Delivery.last_error).where(Delivery.id == newest_id))
        summaries.append(DeliverySummary(channel=channel.value, kind=kind.value, state=state.value, count=count,
                                         oldest_due=oldest_due, last_error=error))
    return summaries
