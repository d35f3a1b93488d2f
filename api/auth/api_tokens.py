"""API tokens for integrators: issue, revoke, list, and authenticate on every request.

The token is shown once; only its SHA-256 is kept. Each request looks the token up by that hash, so a
revocation holds from the very next request. Role and scopes come from the stored row, never from claims.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth import scopes as token_scopes
from api.auth import tokens
from api.auth.models import ApiToken, Membership, Role, User
from api.auth.principal import ROLES_BY_KIND, Grant, Principal
from api.auth.scoping import scoped
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Conflict, Forbidden, NotFound, Unauthenticated, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.organizations.models import Organization
from api.settings import Settings

MIN_TTL = timedelta(minutes=5)
LAST_USED_GRANULARITY = timedelta(minutes=1)
USE_TO_NOTE = "rapport.api_token_use_to_note"  # session.info: the token whose last use is due to be written


@dataclass(frozen=True)
class IssuedApiToken:
    """A new API token's row and the token itself, which is never stored and cannot be shown again."""

    api_token: ApiToken
    token: str


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def _subject(organization_id: int) -> str:
    return f"organization:{organization_id}"


def _may_issue(principal: Principal, organization_id: int) -> bool:
    return principal.is_pmo_admin or organization_id in principal.executive_client_ids


async def _creator_could_issue(session: AsyncSession, row: ApiToken) -> bool:
    """Whether the token's creator is still an active user who could issue it today, from their memberships now.

    A token never acts beyond its creator: once they are deactivated, removed, or no longer a PMO admin or the
    client's executive, the token stops working, as a token they could no longer issue.
    """
    if row.created_by_id is None:  # the creator's user was deleted
        return False
    memberships = await session.execute(
        select(Membership.organization_id, Membership.role).join(User, User.id == Membership.user_id)
        .where(Membership.user_id == row.created_by_id, User.is_active.is_(True)))
    creator = Principal(grants=tuple(Grant(organization_id=org_id, role=role) for org_id, role in memberships),
                        user_id=row.created_by_id)
    return _may_issue(creator, row.organization_id)


def _require_signed_in_user(principal: Principal) -> None:
    if principal.user_id is None or principal.api_token_id is not None:
        raise Forbidden("API tokens are managed by signed-in users, not by tokens")


def _expiry(validator: Validator, *, settings: Settings, now: datetime, expires_at: datetime | None,
            ttl_seconds: int | None) -> datetime:
    """When the token will expire, from exactly one of `expires_at` and `ttl_seconds` (whole seconds, UTC)."""
    one_given = (expires_at is None) != (ttl_seconds is None)
    validator.check(one_given, "expiresAt", "give either expiresAt or ttlSeconds")
    aware = expires_at is None or expires_at.tzinfo is not None
    validator.check(aware, "expiresAt", "expiresAt must carry a UTC offset")
    if not (one_given and aware):
        return now
    if expires_at is not None:
        field, expiry = "expiresAt", expires_at.astimezone(UTC).replace(microsecond=0)
    else:
        field, expiry = "ttlSeconds", now + timedelta(seconds=ttl_seconds or 0)
    longest = timedelta(seconds=settings.api_token_max_ttl_seconds)
    validator.check(MIN_TTL <= expiry - now <= longest, field,
                    f"the token must live between {MIN_TTL.seconds // 60} minutes and {longest.days} days")
    return expiry


async def create_api_token(
    session: AsyncSession,
    *,
    settings: Settings,
    principal: Principal,
    organization_id: int,
    name: str,
    role: Role,
    scopes: Sequence[str],
    expires_at: datetime | None = None,
    ttl_seconds: int | None = None,
) -> IssuedApiToken:
    """Issue a token acting with `role` in an organization (PMO admin: any; client executive: their own, client roles)."""
    _require_signed_in_user(principal)
    organization = await session.scalar(
        scoped(select(Organization).where(Organization.id == organization_id), Organization, principal))
    if organization is None:
        raise NotFound("no such organization", field="organizationId")
    if not _may_issue(principal, organization.id):
        raise Forbidden("only a PMO admin or the client's executive may manage its API tokens")
    now = utcnow().replace(microsecond=0)
    validator = Validator()
    validator.check(1 <= len(name.strip()) <= 120, "name", "name must be 1 to 120 characters")
    validator.check(role in ROLES_BY_KIND[organization.kind], "role",
                    f"role {role.name} does not fit a {organization.kind.name} organization")
    granted = token_scopes.granted_scopes(validator, scopes)
    expiry = _expiry(validator, settings=settings, now=now, expires_at=expires_at, ttl_seconds=ttl_seconds)
    validator.raise_if_any()
    token = tokens.sign_token(settings=settings, token_type=tokens.API_TOKEN, subject=_subject(organization.id),
                              ttl_seconds=int((expiry - now).total_seconds()), now=now)
    row = ApiToken(name=name.strip(), organization_id=organization.id, created_by_id=principal.user_id, role=role,
                   scopes=granted, token_hash=hash_token(token), expires_at=expiry)
    session.add(row)
    await session.flush()
    await audit_service.record(session, principal=principal, action="api_token.create", object_type="ApiToken",
                               object_id=row.id, organization_id=organization.id,
                               details={"name": row.name, "role": role.name, "scopes": granted,
                                        "expires_at": expiry.isoformat()})
    return IssuedApiToken(api_token=row, token=token)


async def revoke_api_token(session: AsyncSession, *, principal: Principal, api_token_id: int) -> ApiToken:
    """Revoke a token; it is refused from the next request on."""
    _require_signed_in_user(principal)
    row = await session.scalar(scoped(select(ApiToken).where(ApiToken.id == api_token_id), ApiToken, principal))
    if row is None:
        raise NotFound("no such API token", field="id")
    if row.revoked_at is not None:
        raise Conflict("this API token is already revoked", field="id")
    row.revoked_at = utcnow()
    await session.flush()
    await audit_service.record(session, principal=principal, action="api_token.revoke", object_type="ApiToken",
                               object_id=row.id, organization_id=row.organization_id, details={"name": row.name})
    return row


async def list_api_tokens(session: AsyncSession, *, principal: Principal, page: PageRequest,
                          organization_id: int | None = None) -> Page[ApiToken]:
    """Tokens the principal may manage, oldest first, optionally of one organization."""
    statement = scoped(select(ApiToken), ApiToken, principal)
    if organization_id is not None:
        statement = statement.where(ApiToken.organization_id == organization_id)
    return await paginate(session, statement, key=[ApiToken.id], page=page)


async def api_tokens_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[ApiToken | None]:
    """Tokens for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(scoped(select(ApiToken).where(ApiToken.id.in_(ids)), ApiToken, principal))
    return in_order(rows, ids)


async def note_api_token_use(session: AsyncSession) -> None:
    """Write the last use of the token this session signed in with, when it is due (at most once a minute)."""
    token_id = session.info.pop(USE_TO_NOTE, None)
    if token_id is not None:
        await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))


async def authenticate_api_token(session: AsyncSession, *, settings: Settings, token: str) -> Principal:
    """The principal of a live API token: one grant, its scopes. It only reads; note_api_token_use then writes
    the token's last use, at most once a minute."""
    verified = tokens.verify_token(token, settings=settings, token_type=tokens.API_TOKEN)
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or verified.subject != _subject(row.organization_id):
        raise Unauthenticated("token is not valid")
    now = utcnow()
    if row.revoked_at is not None:
        raise Unauthenticated("token has been revoked")
    if row.expires_at <= now:
        raise Unauthenticated("token has expired")
    if not await _creator_could_issue(session, row):
        raise Unauthenticated("token is no longer valid: its creator can no longer act for this organization")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        session.info[USE_TO_NOTE] = row.id  # written by note_api_token_use: sign-in itself only reads
    return Principal(grants=(Grant(organization_id=row.organization_id, role=row.role),), api_token_id=row.id,
                     scopes=frozenset(row.scopes))
