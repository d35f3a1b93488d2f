"""Webhook endpoints: who may register one, its secrets, and the deliveries an event owes each endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.models import ApiToken, Role
from api.auth.principal import Grant, Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.delivery.models import Delivery, DeliveryChannel, DeliveryState, NoticeKind
from api.delivery.service import DELIVERY_ORDER
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.organizations.models import Organization, OrganizationKind
from api.settings import Settings
from api.webhooks import guard, signing
from api.webhooks.events import WebhookEndpointFailing
from api.webhooks.models import PMO_ONLY_TYPES, EndpointOwner, WebhookEndpoint, WebhookEventType, WebhookSecret

ROTATION_OVERLAP = timedelta(hours=24)
MAX_ACTIVE_ENDPOINTS = 25  # per owner organization
MAX_DESCRIPTION = 500


@dataclass(frozen=True)
class IssuedSecret:
    """An endpoint with a signing secret shown this once."""

    endpoint: WebhookEndpoint
    secret: str


def reader_of(endpoint: WebhookEndpoint) -> Principal:
    """Whom an endpoint's requests read as: PMO staff for a PMO endpoint, a contact of its client otherwise."""
    if endpoint.owner is EndpointOwner.PMO:
        return Principal(grants=(Grant(organization_id=endpoint.owner_organization_id, role=Role.PMO_STAFF),))
    assert endpoint.client_id is not None
    return Principal.client_reader(endpoint.client_id)


def _pmo_admin_organization(principal: Principal) -> int | None:
    return next((grant.organization_id for grant in principal.grants if grant.role is Role.PMO_ADMIN), None)


def _may_manage(principal: Principal, *, owner: EndpointOwner, client_id: int | None) -> bool:
    """A PMO admin manages every endpoint; a client's API token (mutations need its write scope) manages its own
    client's endpoints."""
    if principal.is_pmo_admin:
        return True
    return (owner is EndpointOwner.CLIENT and principal.api_token_id is not None and client_id is not None
            and client_id in principal.client_ids)


async def _owner_user(session: AsyncSession, principal: Principal) -> int | None:
    """Who hears about the endpoint's trouble: the signed-in creator, or whoever issued the creating token."""
    if principal.user_id is not None:
        return principal.user_id
    if principal.api_token_id is None:
        return None
    return await session.scalar(select(ApiToken.created_by_id).where(ApiToken.id == principal.api_token_id)
                                .execution_options(tenant_backstop=False))


async def create_endpoint(session: AsyncSession, *, settings: Settings, principal: Principal, url: str,
                          event_types: Sequence[WebhookEventType], client_id: int | None,
                          description: str = "") -> IssuedSecret:
    """Register an endpoint for one client's events, or every client's (PMO admin only), with a fresh secret."""
    owner = EndpointOwner.PMO if principal.is_pmo_admin else EndpointOwner.CLIENT
    if client_id is None and owner is EndpointOwner.CLIENT:
        raise Forbidden("only a PMO admin may register an endpoint for every client: give clientId", field="clientId")
    if not principal.is_pmo_admin and principal.api_token_id is None and client_id in principal.client_ids:
        raise Forbidden("register webhook endpoints with your organization's API token (write scope)")
    if not _may_manage(principal, owner=owner, client_id=client_id):
        raise Forbidden("only a PMO admin, or the client's own API token, may register a webhook endpoint")
    if client_id is not None:
        client = await session.scalar(scoped(select(Organization), Organization, principal)
                                      .where(Organization.id == client_id))
        if client is None or client.kind is not OrganizationKind.CLIENT:
            raise NotFound("no such client", field="clientId")
    owner_organization_id = (_pmo_admin_organization(principal) if owner is EndpointOwner.PMO else client_id)
    assert owner_organization_id is not None
    validator = Validator()
    types = list(dict.fromkeys(event_types))
    validator.check(bool(types), "eventTypes", "choose at least one event type")
    validator.check(owner is EndpointOwner.PMO or not (set(types) & PMO_ONLY_TYPES), "eventTypes",
                    "feedback.received is sent to PMO endpoints only")
    validator.check(len(description.strip()) <= MAX_DESCRIPTION, "description",
                    f"the description is at most {MAX_DESCRIPTION} characters")
    try:
        await guard.resolve(url, settings=settings)
    except guard.Refused as exc:
        validator.problems.append(InvalidInput(str(exc), field="url"))
    validator.raise_if_any()
    active = await session.scalar(select(func.count()).select_from(WebhookEndpoint).where(
        WebhookEndpoint.owner_organization_id == owner_organization_id, WebhookEndpoint.disabled_at.is_(None)))
    if (active or 0) >= MAX_ACTIVE_ENDPOINTS:
        raise Conflict(f"at most {MAX_ACTIVE_ENDPOINTS} endpoints may be active at once: disable one first")
    endpoint = WebhookEndpoint(url=url.strip(), description=description.strip(), event_types=[t.value for t in types],
                               client_id=client_id, owner=owner, owner_organization_id=owner_organization_id,
                               owner_user_id=await _owner_user(session, principal),
                               created_by_token_id=principal.api_token_id, created_at=utcnow())
    session.add(endpoint)
    await session.flush()
    secret = _add_secret(session, endpoint)
    await session.flush()
    await _audit(session, principal, "webhook_endpoint.create", endpoint,
                 {"url": endpoint.url, "event_types": endpoint.event_types})
    return IssuedSecret(endpoint=endpoint, secret=secret)


def _add_secret(session: AsyncSession, endpoint: WebhookEndpoint) -> str:
    secret = signing.new_secret()
    session.add(WebhookSecret(endpoint_id=endpoint.id, secret=secret, created_at=utcnow()))
    return secret


async def _managed_endpoint(session: AsyncSession, principal: Principal, endpoint_id: int) -> WebhookEndpoint:
    endpoint = await session.scalar(scoped(select(WebhookEndpoint), WebhookEndpoint, principal)
                                    .where(WebhookEndpoint.id == endpoint_id).with_for_update())
    if endpoint is None:
        raise NotFound("no such webhook endpoint", field="endpointId")
    if not _may_manage(principal, owner=endpoint.owner, client_id=endpoint.client_id):
        raise Forbidden("only a PMO admin, or the client's own API token, may manage this endpoint")
    return endpoint


async def rotate_secret(session: AsyncSession, *, principal: Principal, endpoint_id: int) -> IssuedSecret:
    """A new signing secret; the ones in use go on signing beside it for 24 hours, then stop."""
    endpoint = await _managed_endpoint(session, principal, endpoint_id)
    now = utcnow()
    for row in await session.scalars(select(WebhookSecret).where(WebhookSecret.endpoint_id == endpoint.id)):
        if row.expires_at is not None and row.expires_at <= now:
            await session.delete(row)
        elif row.expires_at is None or row.expires_at > now + ROTATION_OVERLAP:
            row.expires_at = now + ROTATION_OVERLAP
    secret = _add_secret(session, endpoint)
    await session.flush()
    await _audit(session, principal, "webhook_endpoint.rotate_secret", endpoint, {})
    return IssuedSecret(endpoint=endpoint, secret=secret)


async def disable_endpoint(session: AsyncSession, *, principal: Principal, endpoint_id: int) -> WebhookEndpoint:
    """Stop sending to an endpoint; what it was still owed is suppressed."""
    endpoint = await _managed_endpoint(session, principal, endpoint_id)
    if endpoint.disabled_at is not None:
        raise Conflict("this endpoint is already disabled", field="endpointId")
    await _disable(session, endpoint, reason="disabled by its owner")
    await _audit(session, principal, "webhook_endpoint.disable", endpoint, {})
    return endpoint


async def _disable(session: AsyncSession, endpoint: WebhookEndpoint, *, reason: str) -> None:
    endpoint.disabled_at, endpoint.disabled_reason = utcnow(), reason
    pending = await session.scalars(select(Delivery).where(Delivery.endpoint_id == endpoint.id,
                                                           Delivery.state == DeliveryState.PENDING))
    for delivery in pending:
        delivery.state, delivery.last_error = DeliveryState.SUPPRESSED, f"the endpoint was disabled: {reason}"
    await session.flush()


async def disable_failing(session: AsyncSession, endpoint: WebhookEndpoint, *, reason: str, error: str) -> None:
    """Disable an endpoint the sender gave up on, and tell its owner (a reaction mails them)."""
    await _disable(session, endpoint, reason=reason)
    record_event(session, WebhookEndpointFailing(client_id=endpoint.client_id, actor_user_id=None,
                                                 endpoint_id=endpoint.id, disabled=True, error=error[:500]))


def warn_failing(session: AsyncSession, endpoint: WebhookEndpoint, *, error: str) -> None:
    """Tell the owner early that requests to their endpoint keep failing, while it is still retried."""
    record_event(session, WebhookEndpointFailing(client_id=endpoint.client_id, actor_user_id=None,
                                                 endpoint_id=endpoint.id, disabled=False, error=error[:500]))


async def _audit(session: AsyncSession, principal: Principal, action: str, endpoint: WebhookEndpoint,
                 details: dict[str, object]) -> None:
    await audit_service.record(session, principal=principal, action=action, object_type="WebhookEndpoint",
                               object_id=endpoint.id,
                               organization_id=endpoint.client_id or endpoint.owner_organization_id, details=details)


@dataclass(frozen=True)
class Owner:
    """Who hears about an endpoint: a person, and the organization the mail is filed under."""

    user_id: int | None
    organization_id: int


async def owner_of(session: AsyncSession, *, endpoint_id: int) -> Owner | None:
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return None
    return Owner(user_id=endpoint.owner_user_id, organization_id=endpoint.client_id or endpoint.owner_organization_id)


async def signing_secrets(session: AsyncSession, *, endpoint_id: int, now: datetime | None = None) -> list[str]:
    """The secrets that sign an endpoint's requests now, newest first."""
    now = now or utcnow()
    return list(await session.scalars(
        select(WebhookSecret.secret).where(WebhookSecret.endpoint_id == endpoint_id,
                                           or_(WebhookSecret.expires_at.is_(None), WebhookSecret.expires_at > now))
        .order_by(WebhookSecret.id.desc())
    ))


async def list_endpoints(session: AsyncSession, *, principal: Principal, page: PageRequest,
                         client_id: int | None = None) -> Page[WebhookEndpoint]:
    """The endpoints the principal may see, oldest first, optionally those of one client."""
    statement = scoped(select(WebhookEndpoint), WebhookEndpoint, principal)
    if client_id is not None:
        statement = statement.where(WebhookEndpoint.client_id == client_id)
    return await paginate(session, statement, key=[WebhookEndpoint.id], page=page)


async def endpoints_by_ids(session: AsyncSession, *, principal: Principal,
                           ids: Sequence[int]) -> list[WebhookEndpoint | None]:
    """Endpoints for `ids` in order; None where missing or not visible."""
    return in_order(await session.scalars(scoped(select(WebhookEndpoint), WebhookEndpoint, principal)
                                          .where(WebhookEndpoint.id.in_(ids))), ids)


async def endpoint_deliveries(session: AsyncSession, *, principal: Principal, endpoint_id: int,
                              page: PageRequest) -> Page[Delivery]:
    """The requests made or owed to one endpoint, newest first."""
    found = await session.scalar(scoped(select(WebhookEndpoint.id), WebhookEndpoint, principal)
                                 .where(WebhookEndpoint.id == endpoint_id))
    if found is None:
        raise NotFound("no such webhook endpoint", field="endpointId")
    statement = scoped(select(Delivery), Delivery, principal).where(Delivery.endpoint_id == endpoint_id)
    return await paginate(session, statement, key=DELIVERY_ORDER, page=page, descending=True)


async def queue_webhooks(session: AsyncSession, *, event_id: int, client_id: int, event_type: WebhookEventType,
                         client_visible: bool = True, now: datetime | None = None) -> list[Delivery]:
    """One pending request per live endpoint that asked for this type of the client's events, made once however
    often it runs. A client's endpoint gets nothing its client may not read (`client_visible`, PMO-only types)."""
    now = now or utcnow()
    endpoints = await session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.disabled_at.is_(None),
                                      or_(WebhookEndpoint.client_id == client_id, WebhookEndpoint.client_id.is_(None)))
        .order_by(WebhookEndpoint.id)
    )
    made = set(await session.scalars(select(Delivery.endpoint_id).where(Delivery.event_id == event_id,
                                                                        Delivery.channel == DeliveryChannel.WEBHOOK)))
    queued = []
    for endpoint in endpoints:
        if endpoint.id in made or event_type.value not in endpoint.event_types:
            continue
        if endpoint.owner is EndpointOwner.CLIENT and (not client_visible or event_type in PMO_ONLY_TYPES):
            continue
        delivery = Delivery(event_id=event_id, channel=DeliveryChannel.WEBHOOK, kind=NoticeKind.WEBHOOK,
                            client_id=client_id, recipient_id=None, endpoint_id=endpoint.id, address=endpoint.url,
                            event_type=event_type.value, state=DeliveryState.PENDING, attempts=0, due_at=now,
                            created_at=now, message_id=signing.webhook_id(event_id=event_id, endpoint_id=endpoint.id))
        session.add(delivery)
        queued.append(delivery)
    await session.flush()
    return queued
