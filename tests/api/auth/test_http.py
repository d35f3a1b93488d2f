"""API tokens and key pairs over real HTTP: revocation at once, scopes, last use, ES256, refusals at the door."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from api.app import create_app
from api.auth import tokens
from api.auth.models import ApiToken, Membership, Role, User
from api.database import upgrade_database
from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from tests.fixtures.auth import settings_for, token_for
from tests.fixtures.factories import make_client, make_user
from tests.fixtures.keys import claims_for, ec_key, hmac_forgery, private_pem, public_pem

CREATE = """
mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { id } userErrors { code message } }
}"""
REVOKE = "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } userErrors { code } } }"
CLIENTS = "query { clients(first: 5) { edges { node { slug } } } }"


async def _executive(url: str) -> tuple[int, str]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            client = await make_client(session, slug="harbor")
            user = await make_user(session, organization=client, role=Role.CLIENT_EXECUTIVE, email="cio@harbor.example")
            await session.commit()
            return user.id, _client_gid(client.id)
    finally:
        await engine.dispose()


async def _token_row(url: str, *, set_last_used_back: timedelta | None = None) -> ApiToken:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            if set_last_used_back is not None:
                await session.execute(update(ApiToken).values(last_used_at=utcnow() - set_last_used_back))
                await session.commit()
            return await session.scalar(select(ApiToken))
    finally:
        await engine.dispose()


def _client_gid(pk: int) -> str:
    import base64

    return base64.b64encode(f"Client:{pk}".encode()).decode()


def _post(http: TestClient, token: str, query: str, **variables: Any) -> httpx.Response:
    return http.post("/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def http(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def _issue(http: TestClient, access: str, client_gid: str, scopes: list[str]) -> dict:
    payload = {"organizationId": client_gid, "name": "Data team", "role": "CLIENT_CONTACT", "scopes": scopes,
               "ttlSeconds": 3600}
    response = _post(http, access, CREATE, input=payload)
    assert response.status_code == 200, response.text
    created = response.json()["data"]["createApiToken"]
    assert created["userErrors"] == []
    return created


def test_a_revoked_token_is_refused_on_the_very_next_request(http: TestClient, app_settings: Settings) -> None:
    user_id, client_gid = asyncio.run(_executive(app_settings.resolved_database_url))
    access = token_for(app_settings, user_id)
    created = _issue(http, access, client_gid, ["WRITE"])
    answered = _post(http, created["token"], CLIENTS)
    assert answered.status_code == 200 and answered.json()["data"]["clients"]["edges"] == [{"node": {"slug": "harbor"}}]

    revoked = _post(http, access, REVOKE, id=created["apiToken"]["id"])
    assert revoked.json()["data"]["revokeApiToken"]["userErrors"] == []
    refused = _post(http, created["token"], CLIENTS)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["message"] == "token has been revoked"


async def _change_creator(url: str, user_id: int, change: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            if change == "deactivated":
                await session.execute(update(User).where(User.id == user_id).values(is_active=False))
            elif change == "removed":
                await session.execute(delete(Membership).where(Membership.user_id == user_id))
            elif change == "demoted":
                await session.execute(update(Membership).where(Membership.user_id == user_id)
                                      .values(role=Role.CLIENT_CONTACT))
            else:
                await session.execute(delete(User).where(User.id == user_id))
            await session.commit()
    finally:
        await engine.dispose()


SUBMIT_FEEDBACK = """mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { userErrors { code } } }"""


@pytest.mark.parametrize("change", ["deactivated", "removed", "demoted", "deleted"])
def test_a_token_stops_working_once_its_creator_could_no_longer_issue_it(http: TestClient, app_settings: Settings,
                                                                         change: str) -> None:
    url = app_settings.resolved_database_url
    user_id, client_gid = asyncio.run(_executive(url))
    created = _issue(http, token_for(app_settings, user_id), client_gid, ["WRITE"])
    feedback = {"input": {"touchpoint": "STATUS_REPORT", "csat": 5}}
    assert _post(http, created["token"], CLIENTS).json()["data"]["clients"]["edges"] == [{"node": {"slug": "harbor"}}]
    assert _post(http, created["token"], SUBMIT_FEEDBACK, **feedback).json()["data"]["submitFeedback"] == {
        "userErrors": []}

    asyncio.run(_change_creator(url, user_id, change))
    for query, variables in ((CLIENTS, {}), (SUBMIT_FEEDBACK, feedback)):
        refused = _post(http, created["token"], query, **variables)
        assert refused.status_code == 401, refused.text
        assert refused.json()["errors"][0]["message"] == (
            "token is no longer valid: its creator can no longer act for this organization")


def test_a_read_only_token_cannot_run_mutations(http: TestClient, app_settings: Settings) -> None:
    user_id, client_gid = asyncio.run(_executive(app_settings.resolved_database_url))
    created = _issue(http, token_for(app_settings, user_id), client_gid, ["READ"])
    refused = _post(http, created["token"], REVOKE, id=created["apiToken"]["id"])
    assert refused.status_code == 200
    body = refused.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "this API token lacks the `write` scope needed to run a mutation"
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert asyncio.run(_token_row(app_settings.resolved_database_url)).revoked_at is None
    assert _post(http, created["token"], CLIENTS).status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(http: TestClient, app_settings: Settings) -> None:
    url = app_settings.resolved_database_url
    user_id, client_gid = asyncio.run(_executive(url))
    created = _issue(http, token_for(app_settings, user_id), client_gid, ["READ"])
    assert asyncio.run(_token_row(url)).last_used_at is None

    assert _post(http, created["token"], CLIENTS).status_code == 200
    first = asyncio.run(_token_row(url)).last_used_at
    assert first is not None and utcnow() - first < timedelta(seconds=30)
    assert _post(http, created["token"], CLIENTS).status_code == 200
    assert asyncio.run(_token_row(url)).last_used_at == first

    earlier = asyncio.run(_token_row(url, set_last_used_back=timedelta(minutes=2))).last_used_at
    assert _post(http, created["token"], CLIENTS).status_code == 200
    assert asyncio.run(_token_row(url)).last_used_at > earlier


def test_es256_works_end_to_end_and_forgeries_are_refused_at_the_door(fresh_database_url: str, tmp_path: Path) -> None:
    upgrade_database(fresh_database_url)
    settings = settings_for(fresh_database_url, tmp_path, jwt_algorithm="ES256",
                            jwt_signing_key=private_pem(ec_key("current")), jwt_signing_kid="es-2026")
    user_id, client_gid = asyncio.run(_executive(fresh_database_url))
    access = token_for(settings, user_id)
    assert jwt.get_unverified_header(access) == {"alg": "ES256", "typ": "at+jwt", "kid": "es-2026"}
    with TestClient(create_app(settings)) as http:
        viewer = _post(http, access, "{ viewer { user { email } } }")
        assert viewer.status_code == 200 and viewer.json()["data"]["viewer"]["user"]["email"] == "cio@harbor.example"
        api_token = _issue(http, access, client_gid, ["READ"])["token"]
        assert jwt.get_unverified_header(api_token)["alg"] == "ES256"
        assert _post(http, api_token, CLIENTS).status_code == 200

        claims = claims_for(settings, str(user_id))
        forgeries = [
            jwt.encode(claims, None, algorithm="none", headers={"typ": "at+jwt", "kid": "es-2026"}),
            hmac_forgery({"alg": "HS256", "typ": "at+jwt", "kid": "es-2026"}, claims, public_pem(ec_key("current")).encode()),
            hmac_forgery({"alg": "HS256", "typ": "at+jwt", "kid": settings.jwt_signing_kid}, claims,
                         settings.jwt_secret.get_secret_value().encode()),
            tokens.sign_token(settings=settings, token_type=tokens.SURVEY_LINK, subject=str(user_id), ttl_seconds=600),
            jwt.encode(claims, ec_key("intruder"), algorithm="ES256", headers={"typ": "at+jwt", "kid": "es-2026"}),
        ]
        for forged in forgeries:
            assert _post(http, forged, "{ viewer { user { email } } }").status_code == 401
