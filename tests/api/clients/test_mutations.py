"""createClient and updateClient: validation as userErrors, nothing changed on refusal, audit on success."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth.models import Role
from api.auth.principal import Grant, Principal
from api.organizations.models import Organization, OrganizationKind
from api.sites.models import Site
from tests.fixtures.factories import make_client, make_organization
from tests.fixtures.graphql import data_of, global_id

CREATE = """
mutation($input: CreateClientInput!) {
  createClient(input: $input) { client { id slug name sector } userErrors { field message code } }
}"""
UPDATE = """
mutation($input: UpdateClientInput!) {
  updateClient(input: $input) { client { name sector } userErrors { field message code } }
}"""


async def _staff(session: AsyncSession) -> Principal:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    return Principal(grants=(Grant(organization_id=pmo.id, role=Role.PMO_STAFF),), user_id=None)


async def _count(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def test_pmo_staff_create_a_client_with_a_site_and_an_audit_event(session: AsyncSession) -> None:
    staff = await _staff(session)
    payload = (await data_of(session, staff, CREATE, input={"slug": "city-ports", "name": "City Ports", "sector": "STATE_LOCAL"}))["createClient"]
    assert payload["userErrors"] == []
    assert payload["client"]["slug"] == "city-ports" and payload["client"]["sector"] == "STATE_LOCAL"
    client_id = await session.scalar(select(Organization.id).where(Organization.slug == "city-ports"))
    site = await session.scalar(select(Site).where(Site.client_id == client_id))
    assert site is not None and len(site.site_key) == 32
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "client.create"))
    assert event.object_id == client_id and event.request_id == "test-request"


async def test_invalid_input_returns_every_problem_and_changes_nothing(session: AsyncSession) -> None:
    staff = await _staff(session)
    before = (await _count(session, Organization), await _count(session, AuditEvent))
    payload = (await data_of(session, staff, CREATE, input={"slug": "Bad Slug!", "name": "  "}))["createClient"]
    assert payload["client"] is None
    assert {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]} == {
        (("input", "slug"), "INVALID"), (("input", "name"), "INVALID")}
    assert (await _count(session, Organization), await _count(session, AuditEvent)) == before


async def test_a_taken_slug_is_a_conflict(session: AsyncSession) -> None:
    staff = await _staff(session)
    await make_client(session, slug="taken")
    payload = (await data_of(session, staff, CREATE, input={"slug": "taken", "name": "Another"}))["createClient"]
    assert payload["userErrors"] == [{"field": ["input", "slug"], "message": "the slug 'taken' is taken", "code": "CONFLICT"}]


async def test_a_client_contact_may_not_create_or_update_clients(session: AsyncSession) -> None:
    own = await make_client(session, slug="own")
    contact = Principal(grants=(Grant(organization_id=own.id, role=Role.CLIENT_CONTACT),), user_id=None)
    created = (await data_of(session, contact, CREATE, input={"slug": "mine", "name": "Mine"}))["createClient"]
    assert created["userErrors"][0]["code"] == "FORBIDDEN"
    updated = (await data_of(session, contact, UPDATE, input={"id": global_id("Client", own.id), "name": "Renamed"}))["updateClient"]
    assert updated["userErrors"][0]["code"] == "FORBIDDEN"
    await session.refresh(own)
    assert own.name != "Renamed"


async def test_update_changes_only_given_fields_and_unknown_ids_are_not_found(session: AsyncSession) -> None:
    staff = await _staff(session)
    client = await make_client(session, slug="harbor", name="Harbor")
    payload = (await data_of(session, staff, UPDATE, input={"id": global_id("Client", client.id), "sector": "ENTERPRISE"}))["updateClient"]
    assert payload == {"client": {"name": "Harbor", "sector": "ENTERPRISE"}, "userErrors": []}
    missing = (await data_of(session, staff, UPDATE, input={"id": global_id("Client", 999_999), "name": "X"}))["updateClient"]
    assert missing["userErrors"][0]["code"] == "NOT_FOUND"


