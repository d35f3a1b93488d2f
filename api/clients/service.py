"""Reading clients within the caller's tenancy."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.clients.events import ClientChanged
from api.kit.batches import in_order
from api.kit.errors import Conflict, NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.organizations.models import ClientSector, Organization, OrganizationKind
from api.sites.models import Site

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,61}[a-z0-9]")


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
    return in_order(rows, ids)


@dataclass(frozen=True)
class ClientChanges:
    """Fields of a client to set; None leaves a field as it is."""

    name: str | None = None
    sector: ClientSector | None = None


def _validate_name(validator: Validator, name: str | None) -> None:
    if name is not None:
        validator.check(1 <= len(name.strip()) <= 200, "name", "name must be 1 to 200 characters")


async def create_client(session: AsyncSession, *, principal: Principal, slug: str, name: str,
                        sector: ClientSector | None) -> Organization:
    """Create a client organization with its microsite (a fresh secret site key, enabled)."""
    require_pmo_staff(principal)
    validator = Validator()
    validator.check(bool(SLUG.fullmatch(slug)), "slug", "slug must be 2 to 63 lowercase letters, digits or dashes")
    _validate_name(validator, name)
    validator.raise_if_any()
    if await session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None:
        raise Conflict(f"the slug {slug!r} is taken", field="slug")
    client = Organization(slug=slug, name=name.strip(), kind=OrganizationKind.CLIENT, sector=sector)
    session.add(client)
    await session.flush()
    session.add(Site(client_id=client.id, site_key=secrets.token_hex(16), brand_name=None))
    await audit_service.record(session, principal=principal, action="client.create", object_type="Client",
                               object_id=client.id, organization_id=client.id, details={"slug": slug})
    record_event(session, ClientChanged(client_id=client.id, actor_user_id=principal.user_id, created=True,
                                        fields=["name", "sector", "slug"]))
    return client


async def update_client(session: AsyncSession, *, principal: Principal, client_id: int,
                        changes: ClientChanges) -> Organization:
    """Change a client's name or sector."""
    require_pmo_staff(principal)
    client = await session.scalar(_visible_clients(principal).where(Organization.id == client_id))
    if client is None:
        raise NotFound("no such client", field="id")
    validator = Validator()
    _validate_name(validator, changes.name)
    validator.raise_if_any()
    changed = {}
    if changes.name is not None:
        client.name, changed["name"] = changes.name.strip(), changes.name.strip()
    if changes.sector is not None:
        client.sector, changed["sector"] = changes.sector, changes.sector.value
    await session.flush()
    await audit_service.record(session, principal=principal, action="client.update", object_type="Client",
                               object_id=client.id, organization_id=client.id, details=changed)
    record_event(session, ClientChanged(client_id=client.id, actor_user_id=principal.user_id, created=False,
                                        fields=sorted(changed)))
    return client
