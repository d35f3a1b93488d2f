"""Organizations: lookup by slug and by id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.kit.errors import NotFound
from api.organizations.models import Organization


async def get_by_slug(session: AsyncSession, *, slug: str) -> Organization:
    """The organization with `slug`, or NotFound naming it."""
    organization = await session.scalar(select(Organization).where(Organization.slug == slug))
    if organization is None:
        raise NotFound(f"no organization with slug {slug!r}", field="org")
    return organization
