"""createApiToken, revokeApiToken and viewer.apiTokens: who may manage which tokens, and what is kept."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth import service as auth_service
from api.auth.models import ApiToken, Role
from api.auth.principal import Principal
from api.kit.errors import Unauthenticated
from api.organizations.models import OrganizationKind
from api.settings import Settings
from tests.fixtures.factories import make_client, make_organization, make_user
from tests.fixtures.graphql import data_of, global_id, schema

CREATE = """
mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) {
    token apiToken { id name role scopes expiresAt revokedAt lastUsedAt createdAt client { slug } }
    userErrors { field message code }
  }
}"""
REVOKE = """
mutation($input: RevokeApiTokenInput!) {
  revokeApiToken(input: $input) { apiToken { id revokedAt } userErrors { field message code } }
}"""
LIST = "query { viewer { apiTokens(first: 50) { totalCount edges { node { name client { slug } } } } } }"
NODE = "query($id: ID!) { node(id: $id) { ... on ApiToken { name } } }"


@pytest.fixture
async def world(session: AsyncSession) -> dict:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    alpha, beta = await make_client(session, slug="alpha"), await make_client(session, slug="beta")
    people = {
        "admin": await make_user(session, organization=pmo, role=Role.PMO_ADMIN),
        "staff": await make_user(session, organization=pmo, role=Role.PMO_STAFF),
        "executive": await make_user(session, organization=alpha, role=Role.CLIENT_EXECUTIVE),
        "contact": await make_user(session, organization=alpha, role=Role.CLIENT_CONTACT),
    }
    principals = {name: await auth_service.principal_for_user(session, user_id=user.id) for name, user in people.items()}
    return {"alpha": alpha, "beta": beta, "users": people, **principals}


async def _create(session: AsyncSession, principal: Principal, client_id: int, **values: object) -> dict:
    payload = {"organizationId": global_id("Client", client_id), "name": "BI export", "role": "CLIENT_CONTACT",
               "scopes": ["READ"], "ttlSeconds": 3600, **values}
    return (await data_of(session, principal, CREATE, input=payload))["createApiToken"]


async def test_a_token_is_shown_once_and_only_its_hash_is_stored(session: AsyncSession, world: dict) -> None:
    created = await _create(session, world["admin"], world["alpha"].id, name="Power BI")
    assert created["userErrors"] == [] and created["token"].count(".") == 2
    node = created["apiToken"]
    assert (node["name"], node["role"], node["scopes"], node["client"]) == ("Power BI", "CLIENT_CONTACT", ["READ"],
                                                                          {"slug": "alpha"})
    assert node["revokedAt"] is None and node["lastUsedAt"] is None
    expires = datetime.fromisoformat(node["expiresAt"])
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)

    row = await session.scalar(select(ApiToken).where(ApiToken.name == "Power BI"))
    assert row.token_hash == hashlib.sha256(created["token"].encode()).hexdigest()
    assert all(created["token"] not in str(getattr(row, column.key)) for column in ApiToken.__table__.columns)
    assert sorted(schema._schema.type_map["ApiToken"].fields) == [
        "client", "createdAt", "expiresAt", "id", "lastUsedAt", "name", "revokedAt", "role", "scopes"]
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.create"))
    assert (event.object_id, event.actor_user_id) == (row.id, world["users"]["admin"].id)

    principal = await auth_service.authenticate(session, settings=Settings(), bearer=created["token"])
    assert [(g.organization_id, g.role) for g in principal.grants] == [(world["alpha"].id, Role.CLIENT_CONTACT)]
    assert (principal.api_token_id, principal.scopes, principal.user_id) == (row.id, frozenset({"read"}), None)


async def test_write_brings_read_with_it(session: AsyncSession, world: dict) -> None:
    created = await _create(session, world["admin"], world["alpha"].id, scopes=["WRITE"])
    assert created["apiToken"]["scopes"] == ["READ", "WRITE"]


async def test_a_client_executive_manages_their_own_clients_tokens_with_client_roles(
    session: AsyncSession, world: dict
) -> None:
    own = await _create(session, world["executive"], world["alpha"].id, role="CLIENT_EXECUTIVE", name="Own")
    assert own["userErrors"] == [] and own["apiToken"]["role"] == "CLIENT_EXECUTIVE"
    other = await _create(session, world["executive"], world["beta"].id)
    assert [(e["field"], e["code"]) for e in other["userErrors"]] == [(["input", "organizationId"], "NOT_FOUND")]
    too_high = await _create(session, world["executive"], world["alpha"].id, role="PMO_ADMIN")
    assert [(e["field"], e["code"]) for e in too_high["userErrors"]] == [(["input", "role"], "INVALID")]

    await _create(session, world["admin"], world["beta"].id, name="Beta feed")
    seen = (await data_of(session, world["executive"], LIST))["viewer"]["apiTokens"]
    assert [edge["node"]["name"] for edge in seen["edges"]] == ["Own"] and seen["totalCount"] == 1
    everything = (await data_of(session, world["admin"], LIST))["viewer"]["apiTokens"]
    assert {"Own", "Beta feed"} <= {edge["node"]["name"] for edge in everything["edges"]}


@pytest.mark.parametrize("who", ["contact", "staff"])
async def test_contacts_and_pmo_staff_may_not_manage_tokens(session: AsyncSession, world: dict, who: str) -> None:
    before = await session.scalar(select(func.count()).select_from(ApiToken))
    refused = await _create(session, world[who], world["alpha"].id)
    assert refused["token"] is None and refused["apiToken"] is None
    assert [error["code"] for error in refused["userErrors"]] == ["FORBIDDEN"]
    assert await session.scalar(select(func.count()).select_from(ApiToken)) == before
    assert (await data_of(session, world[who], LIST))["viewer"]["apiTokens"]["totalCount"] == 0


async def test_an_api_token_cannot_issue_or_revoke_tokens(session: AsyncSession, world: dict) -> None:
    created = await _create(session, world["executive"], world["alpha"].id, role="CLIENT_EXECUTIVE", scopes=["WRITE"])
    as_token = await auth_service.authenticate(session, settings=Settings(), bearer=created["token"])
    refused = await _create(session, as_token, world["alpha"].id)
    assert [error["code"] for error in refused["userErrors"]] == ["FORBIDDEN"]
    revoked = (await data_of(session, as_token, REVOKE, input={"id": created["apiToken"]["id"]}))["revokeApiToken"]
    assert [error["code"] for error in revoked["userErrors"]] == ["FORBIDDEN"]


async def test_invalid_input_reports_every_problem(session: AsyncSession, world: dict) -> None:
    before = await session.scalar(select(func.count()).select_from(ApiToken))
    naive = (datetime.now(UTC) + timedelta(days=1)).replace(tzinfo=None).isoformat()
    both = await _create(session, world["admin"], world["alpha"].id, name=" ", scopes=[], expiresAt=naive)
    assert {(error["field"][1], error["code"]) for error in both["userErrors"]} == {
        ("name", "INVALID"), ("scopes", "INVALID"), ("expiresAt", "INVALID")}
    too_long = await _create(session, world["admin"], world["alpha"].id, ttlSeconds=400 * 24 * 3600)
    assert [error["field"] for error in too_long["userErrors"]] == [["input", "ttlSeconds"]]
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    expired = await _create(session, world["admin"], world["alpha"].id, ttlSeconds=None, expiresAt=past)
    assert [error["field"] for error in expired["userErrors"]] == [["input", "expiresAt"]]
    assert await session.scalar(select(func.count()).select_from(ApiToken)) == before


async def test_revocation_is_immediate_and_audited(session: AsyncSession, world: dict) -> None:
    created = await _create(session, world["executive"], world["alpha"].id)
    token_id = created["apiToken"]["id"]
    outsider = await auth_service.principal_for_user(
        session, user_id=(await make_user(session, organization=world["beta"], role=Role.CLIENT_EXECUTIVE)).id)
    hidden = (await data_of(session, outsider, REVOKE, input={"id": token_id}))["revokeApiToken"]
    assert [error["code"] for error in hidden["userErrors"]] == ["NOT_FOUND"]

    revoked = (await data_of(session, world["admin"], REVOKE, input={"id": token_id}))["revokeApiToken"]
    assert revoked["userErrors"] == [] and revoked["apiToken"]["revokedAt"] is not None
    with pytest.raises(Unauthenticated, match="revoked"):
        await auth_service.authenticate(session, settings=Settings(), bearer=created["token"])
    again = (await data_of(session, world["executive"], REVOKE, input={"id": token_id}))["revokeApiToken"]
    assert [error["code"] for error in again["userErrors"]] == ["CONFLICT"]
    actions = (await session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "ApiToken"))).all()
    assert sorted(actions) == ["api_token.create", "api_token.revoke"]


async def test_another_clients_token_answers_like_a_missing_one(session: AsyncSession, world: dict) -> None:
    created = await _create(session, world["admin"], world["beta"].id, name="Beta feed")
    mine = await data_of(session, world["admin"], NODE, id=created["apiToken"]["id"])
    assert mine == {"node": {"name": "Beta feed"}}
    hidden = await data_of(session, world["executive"], NODE, id=created["apiToken"]["id"])
    missing = await data_of(session, world["executive"], NODE, id=global_id("ApiToken", 999_999))
    assert hidden == missing == {"node": None}
