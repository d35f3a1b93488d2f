"""Finding people by email: one rule for every domain (emails compare case-insensitively, blanks trimmed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, User
from api.auth.principal import PMO_ROLES
from api.kit.errors import NotFound


def active_people(email: str) -> Select[Any]:
    """Active users whose email is `email`, however it is cased."""
    return select(User).where(func.lower(User.email) == email.strip().lower(), User.is_active.is_(True))


async def find_pmo_person(session: AsyncSession, *, email: str) -> User | None:
    """The active PMO staff member with `email`, or None."""
    return await session.scalar(
        active_people(email).join(Membership, Membership.user_id == User.id)
        .where(Membership.role.in_(PMO_ROLES)).limit(1)
    )


async def pmo_person(session: AsyncSession, *, email: str, field: str) -> User:
    """The active PMO staff member with `email`, or NotFound on `field`."""
    user = await find_pmo_person(session, email=email)
    if user is None:
        raise NotFound("no such PMO staff member", field=field)
    return user


async def client_person(session: AsyncSession, *, client_id: int, email: str, field: str) -> User:
    """The active user with `email` who belongs to the client, or NotFound on `field`."""
    user = await session.scalar(
        active_people(email).join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == client_id)
    )
    if user is None:
        raise NotFound("no such person at this client", field=field)
    return user
