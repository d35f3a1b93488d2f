"""Limits over HTTP: batches of bounded size run in order, and a rate-limited caller is told when to retry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.app import create_app
from api.auth.models import Role
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import OrganizationKind
from api.settings import Settings
from tests.fixtures.auth import settings_for, token_for
from tests.fixtures.factories import make_organization, make_user

CREATE_CLIENT = """mutation($input: CreateClientInput!) {
  createClient(input: $input) { client { slug } userErrors { message } } }"""
COUNT_CLIENTS = {"query": "{ clients(first: 50) { totalCount } }"}


def create_client(number: int) -> dict[str, Any]:
    """One createClient operation of a batch."""
    return {"query": CREATE_CLIENT, "variables": {"input": {"slug": f"agency-{number}", "name": f"Agency {number}"}}}


async def _add_pmo_staff(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            pmo = await make_organization(session, kind=OrganizationKind.PMO, slug="pmo")
            user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
            await session.commit()
            return user.id
    finally:
        await engine.dispose()


@pytest.fixture
def database_url(fresh_database_url: str) -> str:
    upgrade_database(fresh_database_url)
    return fresh_database_url


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str], list[str]]]:
    """The app for `settings`, a PMO staff member's headers, and the SQL statements the app runs."""
    user_id = asyncio.run(_add_pmo_staff(settings.resolved_database_url))
    headers = {"Authorization": f"Bearer {token_for(settings, user_id)}"}
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with TestClient(create_app(settings)) as client:
        event.listen(client.app.state.engine.sync_engine, "before_cursor_execute", record)
        yield client, headers, seen


def test_an_oversized_batch_is_refused_before_anything_runs(database_url: str, tmp_path: Path) -> None:
    with serving(settings_for(database_url, tmp_path)) as (http, headers, statements):
        response = http.post("/graphql", json=[create_client(n) for n in range(11)], headers=headers)
        assert response.status_code == 400
        assert response.json() == {"errors": [{
            "message": "A batch may hold at most 10 operations; this one holds 11.",
            "extensions": {"code": "BATCH_LIMIT_EXCEEDED", "maximumOperations": 10, "operations": 11},
        }]}
        assert statements == []
        assert http.post("/graphql", json=COUNT_CLIENTS, headers=headers).json()["data"]["clients"]["totalCount"] == 0


def test_the_batch_limit_follows_the_settings(database_url: str, tmp_path: Path) -> None:
    with serving(settings_for(database_url, tmp_path, graphql_max_batch_operations=2)) as (http, headers, _):
        assert http.post("/graphql", json=[COUNT_CLIENTS] * 2, headers=headers).status_code == 200
        refused = http.post("/graphql", json=[COUNT_CLIENTS] * 3, headers=headers)
        assert refused.status_code == 400 and refused.json()["errors"][0]["extensions"]["operations"] == 3


def test_a_full_batch_runs_its_operations_one_after_the_other(database_url: str, tmp_path: Path) -> None:
    with serving(settings_for(database_url, tmp_path)) as (http, headers, _):
        response = http.post("/graphql", json=[*(create_client(n) for n in range(9)), COUNT_CLIENTS], headers=headers)
        assert response.status_code == 200
        results = response.json()
        assert [result.get("errors") for result in results] == [None] * 10
        created = [result["data"]["createClient"] for result in results[:9]]
        assert created == [{"client": {"slug": f"agency-{n}"}, "userErrors": []} for n in range(9)]
        assert results[9]["data"]["clients"]["totalCount"] == 9
        assert all(result["extensions"]["cost"]["requestedQueryCost"] == 1 for result in results)


def test_a_rate_limited_caller_is_told_when_to_retry(database_url: str, tmp_path: Path) -> None:
    with serving(settings_for(database_url, tmp_path, rate_limit_points_per_minute=1)) as (http, headers, _):
        first = http.post("/graphql", json=COUNT_CLIENTS, headers=headers)
        assert first.json()["extensions"]["rateLimit"]["remaining"] == 0
        refused = http.post("/graphql", json=COUNT_CLIENTS, headers=headers)
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert refused.headers["retry-after"] == str(error["extensions"]["retryAfter"])
        assert refused.json()["data"] is None
