"""Deliveries owed because of an event: who gets one, made once per event and recipient."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.models import Membership, User
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.delivery.mail import sender_domain
from api.delivery.models import Delivery, DeliveryChannel, DeliveryState, NoticeKind
from api.delivery.preferences import NOTICE_ROLES, preferences_of
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Conflict, NotFound
from api.kit.pagination import Page, PageRequest, paginate
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
        delivery = _email(event_id=event_id, kind=kind, client_id=client_id, user=user, settings=settings, now=now,
                          invitation_id=invitations.get(user.id))
        session.add(delivery)
        queued.append(delivery)
    await session.flush()
    return queued


async def queue_notice_to(session: AsyncSession, *, event_id: int, user_id: int | None, client_id: int,
                          kind: NoticeKind, settings: Settings, now: datetime | None = None) -> Delivery | None:
    """One pending email about this event to one person (service mail, whatever their notice preferences), made
    once; None when they are gone or inactive, or it was made already."""
    user = await session.get(User, user_id) if user_id is not None else None
    made = await session.scalar(select(Delivery.id).where(Delivery.event_id == event_id,
                                                          Delivery.channel == DeliveryChannel.EMAIL,
                                                          Delivery.recipient_id == user_id))
    if user is None or not user.is_active or made is not None:
        return None
    delivery = _email(event_id=event_id, kind=kind, client_id=client_id, user=user, settings=settings,
                      now=now or utcnow())
    session.add(delivery)
    await session.flush()
    return delivery


def _email(*, event_id: int, kind: NoticeKind, client_id: int, user: User, settings: Settings, now: datetime,
           invitation_id: int | None = None) -> Delivery:
    """A new email delivery to `user`: pending, or suppressed at once when mail is switched off."""
    return Delivery(
        event_id=event_id, channel=DeliveryChannel.EMAIL, kind=kind, client_id=client_id, recipient_id=user.id,
        address=user.email, invitation_id=invitation_id, attempts=0, due_at=now, created_at=now,
        state=DeliveryState.PENDING if settings.mail_enabled else DeliveryState.SUPPRESSED,
        last_error=None if settings.mail_enabled else "mail is switched off (RAPPORT_MAIL_ENABLED=false)",
        message_id=message_id(event_id=event_id, recipient_id=user.id, settings=settings),
    )


DELIVERY_ORDER = [Delivery.created_at, Delivery.id]


async def list_deliveries(session: AsyncSession, *, principal: Principal, page: PageRequest,
                          state: DeliveryState | None = None, client_id: int | None = None) -> Page[Delivery]:
    """Deliveries the principal may see (PMO staff only), newest first, optionally in one state or of one client."""
    statement = scoped(select(Delivery), Delivery, principal)
    if state is not None:
        statement = statement.where(Delivery.state == state)
    if client_id is not None:
        statement = statement.where(Delivery.client_id == client_id)
    return await paginate(session, statement, key=DELIVERY_ORDER, page=page, descending=True)


async def deliveries_by_ids(session: AsyncSession, *, principal: Principal,
                            ids: Sequence[int]) -> list[Delivery | None]:
    """Deliveries for `ids` in order; None where missing or not visible."""
    return in_order(await session.scalars(scoped(select(Delivery), Delivery, principal).where(Delivery.id.in_(ids))),
                    ids)


async def redeliver(session: AsyncSession, *, principal: Principal, delivery_id: int) -> Delivery:
    """Send a delivery again, now, under its own Message-ID (PMO staff): one that failed, was suppressed, or that
    its recipient says never arrived. A delivery still pending is left as it is."""
    require_pmo_staff(principal)
    delivery = await session.scalar(scoped(select(Delivery), Delivery, principal)
                                    .where(Delivery.id == delivery_id).with_for_update())
    if delivery is None:
        raise NotFound("no such delivery", field="deliveryId")
    if delivery.state is DeliveryState.PENDING:
        raise Conflict("the delivery is still pending: it is sent when due", field="deliveryId")
    before = delivery.state
    delivery.state, delivery.due_at, delivery.attempts, delivery.last_error = (
        DeliveryState.PENDING, utcnow(), 0, None)
    await session.flush()
    await audit_service.record(session, principal=principal, action="delivery.redeliver", object_type="Delivery",
                               object_id=delivery.id, organization_id=delivery.client_id,
                               details={"was": before.value, "kind": delivery.kind.value})
    return delivery


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
