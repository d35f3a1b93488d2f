"""Users, memberships, sign-in tokens, and authenticating a bearer token of any kind."""

from __future__ import annotations

import uuid

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth import api_tokens, tokens
from api.auth.models import Membership, Role, User
from api.auth.principal import ROLES_BY_KIND, Grant, Principal
from api.kit.errors import InvalidInput, NotFound, Unauthenticated
from api.kit.ids import database_id
from api.organizations import service as organization_service
from api.organizations.models import Organization
from api.settings import Settings


def normalize_email(email: str) -> str:
    """The canonical form of `email`, or InvalidInput saying why it is not an address."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"not a valid email address: {email!r}", field="email") from exc


def parse_role(value: str) -> Role:
    """The Role named `value`, or InvalidInput listing the roles there are."""
    try:
        return Role[value.strip().upper()]
    except KeyError as exc:
        names = ", ".join(role.name for role in Role)
        raise InvalidInput(f"unknown role {value!r} (one of {names})", field="role") from exc


async def add_user(session: AsyncSession, *, email: str, name: str, org_slug: str, role: str) -> User:
    """Create a user (or reuse one by email) and give them `role` in the organization `org_slug`."""
    address = normalize_email(email)
    parsed_role = parse_role(role)
    if not name.strip():
        raise InvalidInput("name must not be empty", field="name")
    organization = await organization_service.get_by_slug(session, slug=org_slug)
    if parsed_role not in ROLES_BY_KIND[organization.kind]:
        raise InvalidInput(
            f"role {parsed_role.name} does not fit a {organization.kind.name} organization", field="role"
        )
    user = await session.scalar(select(User).where(User.email == address))
    if user is None:
        user = User(email=address, name=name.strip())
        session.add(user)
        await session.flush()
    membership = await session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organization_id == organization.id)
    )
    if membership is None:
        session.add(Membership(user_id=user.id, organization_id=organization.id, role=parsed_role))
    else:
        membership.role = parsed_role
    await session.flush()
    return user


async def get_user_by_email(session: AsyncSession, *, email: str) -> User:
    """The user with `email`, or NotFound."""
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFound(f"no user with email {email!r}", field="email")
    return user


async def issue_token(session: AsyncSession, *, settings: Settings, email: str, ttl_seconds: int | None = None) -> str:
    """A signed access token for the active user with `email`; the issue is audited."""
    if ttl_seconds is not None and not 60 <= ttl_seconds <= 30 * 24 * 3600:
        raise InvalidInput("ttl must be between 60 seconds and 30 days", field="ttl")
    user = await get_user_by_email(session, email=email)
    if not user.is_active:
        raise InvalidInput(f"user {user.email} is deactivated", field="email")
    token_id = uuid.uuid4().hex
    token = tokens.issue_access_token(settings=settings, user_id=user.id, ttl_seconds=ttl_seconds, token_id=token_id)
    await audit_service.record(session, principal=None, action="access_token.issue", object_type="User",
                               object_id=user.id, organization_id=None,
                               details={"jti": token_id, "ttl_seconds": ttl_seconds or settings.access_token_ttl_seconds})
    return token


async def authenticate(session: AsyncSession, *, settings: Settings, bearer: str) -> Principal:
    """The principal behind a bearer token (access, API or external OIDC token); Unauthenticated for anything short of valid."""
    kind = tokens.kind_of(bearer, settings=settings)
    if kind == tokens.API_TOKEN:
        return await api_tokens.authenticate_api_token(session, settings=settings, token=bearer)
    if kind == tokens.EXTERNAL_ACCESS_TOKEN:
        verified = await tokens.verify_external_token(bearer, settings=settings)
        return await principal_for_external_subject(session, claims=verified.claims)
    verified = tokens.verify_access_token(bearer, settings=settings)
    user_id = database_id(verified.subject)
    if user_id is None:
        raise Unauthenticated("token is not valid")
    return await principal_for_user(session, user_id=user_id)


async def principal_for_external_subject(session: AsyncSession, *, claims: dict[str, object]) -> Principal:
    """The principal of the Rapport user whose email the OIDC issuer asserts (never created on the fly).

    The issuer's `sub` is not stored: users are matched by their `email` claim, which the issuer must mark
    verified (`email_verified: true`); a missing claim is not taken as verified, since some issuers leave it out
    for addresses they never checked.
    """
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is not True:
        raise Unauthenticated("token does not carry a verified email")
    try:
        address = normalize_email(email)
    except InvalidInput as exc:
        raise Unauthenticated("token does not carry a verified email") from exc
    user_id = await session.scalar(select(User.id).where(User.email == address))
    if user_id is None:
        raise Unauthenticated("token is not valid")
    return await principal_for_user(session, user_id=user_id)


async def principal_for_user(session: AsyncSession, *, user_id: int) -> Principal:
    """The principal of an active user, with a grant per membership."""
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("token is not valid")
    rows = await session.execute(
        select(Membership.organization_id, Membership.role).where(Membership.user_id == user_id).order_by(Membership.id)
    )
    grants = tuple(Grant(organization_id=org_id, role=role) for org_id, role in rows)
    return Principal(grants=grants, user_id=user_id)


async def viewer_memberships(session: AsyncSession, *, user_id: int) -> list[tuple[Membership, Organization]]:
    """The user's memberships with their organizations, by organization name."""
    rows = await session.execute(
        select(Membership, Organization)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.user_id == user_id)
        .order_by(Organization.name)
    )
    return [(membership, organization) for membership, organization in rows]
