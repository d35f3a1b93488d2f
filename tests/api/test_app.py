"""The HTTP surface: health checks, authentication at the door, GraphiQL by mode."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app, local_sites_dir
from api.auth.models import Role
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from api.sites.headers import CONTENT_SECURITY_POLICY
from tests.fixtures.auth import settings_for, token_for
from tests.fixtures.factories import make_client, make_user

VIEWER = {"query": "{ viewer { user { email } memberships { organizationSlug role } isPmoStaff } }"}


async def _add_client_contact(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            client = await make_client(session, slug="harbor", name="Harbor Authority")
            user = await make_user(session, organization=client, role=Role.CLIENT_CONTACT, email="co@harbor.example")
            await session.commit()
            return user.id
    finally:
        await engine.dispose()


@pytest.fixture
def http(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def test_health_and_readiness(http: TestClient) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_readiness_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings = settings_for("sqlite+aiosqlite:////nonexistent-dir/none.db", tmp_path)
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


def test_a_request_without_a_token_is_refused(http: TestClient) -> None:
    response = http.post("/graphql", json=VIEWER)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("kind", ["garbage", "wrong-secret", "expired", "wrong-audience", "unknown-user"])
def test_a_bad_token_is_refused(http: TestClient, app_settings: Settings, kind: str) -> None:
    user_id = asyncio.run(_add_client_contact(app_settings.resolved_database_url))
    now = datetime.now(UTC)
    tokens = {
        "garbage": "not.a.token",
        "wrong-secret": token_for(app_settings.model_copy(update={"jwt_secret": SecretStr("x" * 40)}), user_id),
        "expired": token_for(app_settings, user_id, now=now - timedelta(days=2), ttl_seconds=3600),
        "wrong-audience": token_for(app_settings.model_copy(update={"jwt_audience": "elsewhere"}), user_id),
        "unknown-user": token_for(app_settings, 987_654),
    }
    response = http.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {tokens[kind]}"})
    assert response.status_code == 401
    assert response.json() == {"errors": [response.json()["errors"][0]]}
    assert "data" not in response.json()


def test_an_unsigned_token_is_refused(http: TestClient, app_settings: Settings) -> None:
    user_id = asyncio.run(_add_client_contact(app_settings.resolved_database_url))
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iss": app_settings.jwt_issuer, "aud": app_settings.jwt_audience,
              "iat": now, "nbf": now, "exp": now + timedelta(hours=1), "jti": "x"}
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"typ": "at+jwt"})
    response = http.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {unsigned}"})
    assert response.status_code == 401


def test_a_valid_token_answers_viewer_with_roles_from_memberships(http: TestClient, app_settings: Settings) -> None:
    user_id = asyncio.run(_add_client_contact(app_settings.resolved_database_url))
    response = http.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {token_for(app_settings, user_id)}"})
    assert response.status_code == 200
    assert response.json()["data"]["viewer"] == {
        "user": {"email": "co@harbor.example"},
        "memberships": [{"organizationSlug": "harbor", "role": "CLIENT_CONTACT"}],
        "isPmoStaff": False,
    }


def test_graphiql_is_served_in_embedded_mode_only(http: TestClient, app_settings: Settings) -> None:
    page = http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()

    production = app_settings.model_copy(update={"mode": "production"})
    with TestClient(create_app(production)) as client:
        assert client.get("/graphql", headers={"Accept": "text/html"}).status_code != 200


def test_the_sites_preview_sends_the_sites_content_security_policy(app_settings: Settings) -> None:
    page = local_sites_dir(app_settings) / "harbor-0f3a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<!doctype html><title>Harbor</title>", encoding="utf-8")
    with TestClient(create_app(app_settings)) as http:
        served = http.get("/sites/harbor-0f3a/index.html")
        api = http.get("/healthz")
    assert served.status_code == 200
    assert served.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert served.headers["Referrer-Policy"] == "no-referrer" and "noindex" in served.headers["X-Robots-Tag"]
    assert "Content-Security-Policy" not in api.headers
