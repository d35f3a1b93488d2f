"""Deliveries owed because of an event: who gets one, made once per event and recipient."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, Role, User
from api.delivery.mail import sender_domain
from api.delivery.models import Delivery, DeliveryChannel, DeliveryState, NoticeKind
from api.kit.columns import utcnow
from api.settings import Settings

NOTICE_ROLES = (Role.CLIENT_CONTACT, Role.CLIENT_EXECUTIVE)


async def notice_recipients(session: AsyncSession, *, client_id: int) -> list[User]:
    """The client's active contacts and executives, who receive its notices."""
    return list(await session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == client_id, Membership.role.in_(NOTICE_ROLES), User.is_active.is_(True))
        .distinct().order_by(User.id)
    ))


def message_id(*, event_id: int, recipient_id: int, settings: Settings) -> str:
    """The Message-ID of the one message an event owes a recipient: the same on every attempt, so a message sent
    again after a crash is one message to the receiving side."""
    return f"<rapport.event-{event_id}.user-{recipient_id}@{sender_domain(settings)}>"


async def queue_notices(session: AsyncSession, *, event_id: int, client_id: int, kind: NoticeKind,
                        settings: Settings, invitations: Mapping[int, int] | None = None,
                        now: datetime | None = None) -> list[Delivery]:
    """One pending email per recipient of the client's notices for this event, carrying the survey invitation
    made for that recipient (`invitations`: recipient id to invitation id), made once however often it runs."""
    now = now or utcnow()
    invitations = invitations or {}
    made = set(await session.scalars(
        select(Delivery.recipient_id).where(Delivery.event_id == event_id, Delivery.channel == DeliveryChannel.EMAIL)
    ))
    queued = []
    for user in await notice_recipients(session, client_id=client_id):
        if user.id in made:
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


async def delivery_counts(session: AsyncSession) -> dict[tuple[str, str], int]:
    """How many deliveries there are by channel and state."""
    rows = await session.execute(
        select(Delivery.channel, Delivery.state, func.count()).group_by(Delivery.channel, Delivery.state))
    return {(channel.value, state.value): count for channel, state, count in rows}
