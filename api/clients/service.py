"""Reading clients within the caller's tenancy."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.kit.pagination import Page, PageRequest, paginate
from api.organizations.models import Organization, OrganizationKind


def _visible_clients(principal: Principal):  # noqa: ANN202 - a Select over Organization
    statement = select(Organization).where(Organization.kind == OrganizationKind.CLIENT)
    return scoped(statement, Organization, principal)


async def list_clients(
    session: AsyncSession, *, principal: Principal, page: PageRequest, search: str | None = None
) -> Page[Organization]:
    """Clients the principal may see, by name, optionally filtered by a name fragment."""
    statement = _visible_clients(principal)
    if search:
        statement = statement.where(Organization.name.ilike(f"%{search.strip()}%"))
    return await paginate(session, statement, key=[Organization.name, Organization.id], page=page)


async def get_client_by_slug(session: AsyncSession, *, principal: Principal, slug: str) -> Organization | None:
    """The client with `slug`, or None when it does not exist or is not visible."""
    return await session.scalar(_visible_clients(principal).where(Organization.slug == slug))


async def clients_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[Organization | None]:
    """Clients for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(_visible_clients(principal).where(Organization.id.in_(ids)))
    found = {client.id: client for client in rows}
    return [found.get(client_id) for client_id in ids]
