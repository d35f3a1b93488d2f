"""The GraphQL endpoint over real HTTP and a real WebSocket: one unit of work per operation, one error policy."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.auth.models import Role
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import Organization, OrganizationKind
from api.projects import service as project_service
from api.settings import Settings
from rapport.commands import api_app
from tests.fixtures.auth import token_for
from tests.fixtures.browser import serving_app
from tests.fixtures.factories import make_client, make_organization, make_project, make_user
from tests.fixtures.websocket import graphql_socket

REQUEST = "mutation($id: ID!) { requestSiteBuild(input: {clientId: $id}) { siteBuild { id } userErrors { code } } }"
WATCH = "subscription($id: ID!) { siteBuildUpdates(buildId: $id) { state } }"
RENAME = "mutation($id: ID!, $name: String!) { updateClient(input: {id: $id, name: $name}) { client { name } } }"
MALFORMED_NODE = '{ node(id: "UHJvamVjdDrCsg==") { id } }'  # "Project:²": digits to isdigit(), not to int()


def _gid(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


async def _world(url: str) -> tuple[int, list[int]]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        staff = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
        clients = [await make_client(session, slug=slug, name=slug.title()) for slug in ("harbor", "transit")]
        for client in clients:
            await make_project(session, client=client, code=f"{client.slug[:2].upper()}-1", name="Portal")
        await session.commit()
        ids = staff.id, [client.id for client in clients]
    await engine.dispose()
    return ids


async def _client_name(url: str, client_id: int) -> str:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        name = (await session.get(Organization, client_id)).name
    await engine.dispose()
    return name


@pytest.fixture
def served(app_settings: Settings) -> Iterator[tuple[str, str, list[int]]]:
    """The embedded API (builds carried out in-process) under uvicorn: base URL, a staff token, client ids."""
    staff_id, client_ids = asyncio.run(_world(app_settings.resolved_database_url))
    with serving_app(api_app(app_settings)) as base_url:
        yield base_url, token_for(app_settings, staff_id), client_ids


async def _request_build(base_url: str, token: str, client_id: int) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        response = await http.post("/graphql", json={"query": REQUEST, "variables": {"id": _gid("Client", client_id)}},
                                   headers={"Authorization": f"Bearer {token}"})
    payload = response.json()["data"]["requestSiteBuild"]
    assert payload["userErrors"] == []
    return payload["siteBuild"]["id"]


async def test_subscriptions_and_a_mutation_on_one_websocket_each_get_their_own_unit_of_work(
    served: tuple[str, str, list[int]], app_settings: Settings
) -> None:
    base_url, token, (harbor, transit) = served
    builds = [await _request_build(base_url, token, harbor), await _request_build(base_url, token, transit)]
    received: dict[str, list[dict[str, Any]]] = {"1": [], "2": [], "3": []}
    async with graphql_socket(base_url, token) as socket:
        for operation_id, build_id in zip(("1", "2"), builds, strict=True):
            await socket.subscribe(operation_id, WATCH, id=build_id)
        await socket.subscribe("3", RENAME, id=_gid("Client", harbor), name="Harbor Authority")
        completed: set[str] = set()
        while completed != {"1", "2", "3"}:
            message = await asyncio.wait_for(socket.receive(), timeout=120)
            if message["type"] == "complete":
                completed.add(message["id"])
            else:
                received[message["id"]].append(message)

    for operation_id in ("1", "2"):
        states = [message["payload"]["data"]["siteBuildUpdates"]["state"] for message in received[operation_id]]
        assert all(message["type"] == "next" and "errors" not in message["payload"]
                   for message in received[operation_id]), received[operation_id]
        assert states[-1] == "PUBLISHED", states
    [renamed] = received["3"]
    assert renamed["type"] == "next" and "errors" not in renamed["payload"], renamed
    assert renamed["payload"]["data"]["updateClient"]["client"]["name"] == "Harbor Authority"
    assert await _client_name(app_settings.resolved_database_url, harbor) == "Harbor Authority"


async def _over_http(base_url: str, token: str, query: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        response = await http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json()


async def _over_websocket(base_url: str, token: str, query: str) -> dict[str, Any]:
    async with graphql_socket(base_url, token) as socket:
        await socket.subscribe("1", query)
        message = await asyncio.wait_for(socket.receive(), timeout=30)
        assert (await asyncio.wait_for(socket.receive(), timeout=30))["type"] == "complete"
    assert message["type"] == "next", message
    return message["payload"]


def _without_request_ids(errors: list[dict[str, Any]]) -> str:
    text = re.sub(r"request [0-9a-f]{32}", "request <id>", str(errors))
    return re.sub(r"'requestId': '[0-9a-f]{32}'", "'requestId': <id>", text)


async def test_a_malformed_id_gives_the_same_answer_over_http_and_websocket(served: tuple[str, str, list[int]]) -> None:
    base_url, token, _clients = served
    over_http = await _over_http(base_url, token, MALFORMED_NODE)
    over_socket = await _over_websocket(base_url, token, MALFORMED_NODE)
    assert over_http["errors"] and "invalid literal" not in str(over_http)
    assert _without_request_ids(over_socket["errors"]) == _without_request_ids(over_http["errors"])


async def test_an_unexpected_failure_is_masked_over_websocket_as_over_http(
    served: tuple[str, str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError('(sqlite3.OperationalError) near "SELEC": syntax error [SQL: SELEC secret FROM users]')

    monkeypatch.setattr(project_service, "list_projects", broken)
    base_url, token, _clients = served
    query = "{ projects(first: 5) { totalCount } }"
    for payload in (await _over_http(base_url, token, query), await _over_websocket(base_url, token, query)):
        [error] = payload["errors"]
        assert error["extensions"]["code"] == "INTERNAL" and error["message"].startswith("Internal server error")
        assert "secret" not in str(payload) and "SQL" not in str(payload)


async def test_a_websocket_refuses_operations_past_its_limit_and_stays_open(app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"ws_max_subscriptions": 2})
    staff_id, (harbor, _transit) = await _world(settings.resolved_database_url)
    token = token_for(settings, staff_id)
    with serving_app(create_app(settings)) as base_url:
        build = await _request_build(base_url, token, harbor)  # no build worker here: it stays queued, watched
        async with graphql_socket(base_url, token) as socket:
            for operation_id in ("1", "2", "3"):
                await socket.subscribe(operation_id, WATCH, id=build)
            messages = [await asyncio.wait_for(socket.receive(), timeout=30) for _ in range(3)]
            [refusal] = [message for message in messages if message["id"] == "3"]
            assert refusal["type"] == "error" and refusal["payload"][0]["message"] == "Subscription limit reached"
            assert all(message["type"] == "next" for message in messages if message["id"] != "3")

            await socket.send({"id": "1", "type": "complete"})
            await asyncio.sleep(0.2)
            await socket.subscribe("4", "{ viewer { __typename } }")
            answer = await asyncio.wait_for(socket.receive(), timeout=30)
            while answer["id"] != "4":
                answer = await asyncio.wait_for(socket.receive(), timeout=30)
            assert answer["type"] == "next" and "errors" not in answer["payload"], answer
