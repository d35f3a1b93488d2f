"""The demo data set's organizations, people and client sites."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from api.demo.seed import DEMO_ADMIN_EMAIL, DEMO_PMO_SLUG, DEMO_STAFF_EMAIL
from api.models import Organization, OrganizationKind, Role, Site, User
from api.organizations.models import ClientSector
from tests.api.demo.conftest import all_of, roles_by_user


async def test_organizations_are_a_pmo_clients_of_every_sector_and_subcontractors(demo: AsyncSession) -> None:
    organizations = await all_of(demo, Organization)
    by_kind = Counter(o.kind for o in organizations)
    clients = [o for o in organizations if o.kind is OrganizationKind.CLIENT]

    assert [o.slug for o in organizations if o.kind is OrganizationKind.PMO] == [DEMO_PMO_SLUG]
    assert len(clients) >= 4
    assert {c.sector for c in clients} == set(ClientSector)
    assert 1 <= by_kind[OrganizationKind.SUBCONTRACTOR] <= 2
    assert len({o.name for o in organizations}) == len(organizations)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", o.slug) for o in organizations)


async def test_people_hold_the_roles_a_pmo_engagement_needs(demo: AsyncSession) -> None:
    users = {u.id: u for u in await all_of(demo, User)}
    roles = await roles_by_user(demo)
    by_email = {u.email: u for u in users.values()}

    assert all(len(roles[user_id]) == 1 for user_id in users)
    assert all(u.email.rsplit("@", 1)[1].endswith(".example") for u in users.values())
    assert roles[by_email[DEMO_ADMIN_EMAIL].id][0][0] is Role.PMO_ADMIN
    assert roles[by_email[DEMO_STAFF_EMAIL].id][0][0] is Role.PMO_STAFF
    pmo_roles = Counter(
        role for memberships in roles.values() for role, org in memberships if org.kind is OrganizationKind.PMO
    )
    assert pmo_roles[Role.PMO_ADMIN] >= 1 and pmo_roles[Role.PMO_STAFF] >= 3
    people_by_client: dict[str, list[tuple[Role, User]]] = defaultdict(list)
    for user_id, memberships in roles.items():
        for role, org in memberships:
            if org.kind is OrganizationKind.CLIENT:
                people_by_client[org.slug].append((role, users[user_id]))
            if org.kind is OrganizationKind.SUBCONTRACTOR:
                assert role is Role.SUBCONTRACTOR
    clients = [o for o in await all_of(demo, Organization) if o.kind is OrganizationKind.CLIENT]
    assert len(people_by_client) == len(clients)
    for people in people_by_client.values():
        contacts = [user for role, user in people if role is Role.CLIENT_CONTACT]
        assert [role for role, _user in people].count(Role.CLIENT_EXECUTIVE) == 1
        assert 1 <= len(contacts) <= 2
        assert any(
            (c.title or "").lower().startswith("contracting officer") and "representative" not in c.title.lower()
            for c in contacts
        )
    assert any(role is Role.SUBCONTRACTOR for memberships in roles.values() for role, _org in memberships)


async def test_every_client_has_a_site_with_schedule_zone_and_branding(demo: AsyncSession) -> None:
    sites = await all_of(demo, Site)
    clients = {o.id for o in await all_of(demo, Organization) if o.kind is OrganizationKind.CLIENT}

    assert sorted(s.client_id for s in sites) == sorted(clients)
    for site in sites:
        assert len(site.schedule.split()) == 5
        assert ZoneInfo(site.time_zone).key != "UTC"
        assert re.fullmatch(r"#[0-9a-f]{6}", site.accent_color)
        assert site.brand_name
        assert re.fullmatch(r"[0-9a-f]{32}", site.site_key)
    assert len({s.time_zone for s in sites}) >= 3
    assert len({s.site_key for s in sites}) == len(sites)
