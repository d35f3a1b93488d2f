"""The demo organizations, their people and memberships, and each client's microsite settings."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, Role, User
from api.delivery.models import DecisionNotices, NotificationPreference, ReportNotices
from api.demo.data import CLIENTS, PMO, SUBCONTRACTORS, OrganizationSpec, SiteSpec
from api.organizations.models import Organization
from api.sites.models import Site

CX_LEAD_EMAIL = "grace.achebe@northwind-pmo.example"


@dataclass(frozen=True)
class ClientCast:
    """A client organization and the people who speak for it."""

    organization: Organization
    executive: User
    contacts: tuple[User, ...]  # the contracting officer first

    @property
    def contracting_officer(self) -> User:
        return self.contacts[0]

    @property
    def people(self) -> tuple[User, ...]:
        return (self.executive, *self.contacts)


@dataclass(frozen=True)
class Cast:
    """Everyone in the demo data set, for the later steps to refer to."""

    pmo: Organization
    admin: User
    staff: dict[str, User]  # PMO staff by email
    clients: tuple[ClientCast, ...]
    subcontractors: dict[str, Organization]  # by slug

    @property
    def cx_lead(self) -> User:
        return self.staff[CX_LEAD_EMAIL]


async def add_cast(*, session: AsyncSession) -> Cast:
    """Add the PMO, its clients and subcontractors, their users, memberships and client sites."""
    pmo, pmo_people = await _add_organization(session=session, spec=PMO)
    clients = []
    for spec in CLIENTS:
        organization, people = await _add_organization(session=session, spec=spec)
        clients.append(
            ClientCast(
                organization=organization,
                executive=next(user for user, role in people if role is Role.CLIENT_EXECUTIVE),
                contacts=tuple(user for user, role in people if role is Role.CLIENT_CONTACT),
            )
        )
        if spec.site is not None:
            session.add(_site(client=organization, spec=spec.site))
    subcontractors = {}
    for spec in SUBCONTRACTORS:
        organization, _people = await _add_organization(session=session, spec=spec)
        subcontractors[spec.slug] = organization
    await session.flush()
    return Cast(
        pmo=pmo,
        admin=next(user for user, role in pmo_people if role is Role.PMO_ADMIN),
        staff={user.email: user for user, role in pmo_people if role is Role.PMO_STAFF},
        clients=tuple(clients),
        subcontractors=subcontractors,
    )


async def _add_organization(
    *, session: AsyncSession, spec: OrganizationSpec
) -> tuple[Organization, list[tuple[User, Role]]]:
    organization = Organization(slug=spec.slug, name=spec.name, kind=spec.kind, sector=spec.sector)
    session.add(organization)
    people = [(User(email=p.email, name=p.name, title=p.title, phone=p.phone), p.role) for p in spec.people]
    session.add_all(user for user, _role in people)
    await session.flush()
    session.add_all(Membership(user_id=user.id, organization_id=organization.id, role=role) for user, role in people)
    await session.flush()
    return organization, people


def _site(*, client: Organization, spec: SiteSpec) -> Site:
    # The site key is a secret in the microsite's address, so it is the one random value
    # that does not come from the seed.
    return Site(
        client_id=client.id,
        site_key=secrets.token_hex(16),
        schedule=spec.schedule,
        time_zone=spec.time_zone,
        brand_name=spec.brand_name,
        accent_color=spec.accent_color,
    )


async def add_preferences(*, session: AsyncSession, cast: Cast) -> None:
    """Executives who read status weekly: every other client's executive takes the Monday digest."""
    for client in cast.clients[::2]:
        session.add(NotificationPreference(user_id=client.executive.id, client_id=client.organization.id,
                                           report_notices=ReportNotices.WEEKLY_DIGEST,
                                           decision_notices=DecisionNotices.ON))
    await session.flush()
