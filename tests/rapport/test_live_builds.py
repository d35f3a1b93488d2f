"""The embedded API carries out requested builds in-process and streams their progress over WebSocket."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.auth.models import Role
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import OrganizationKind
from api.settings import Settings
from rapport.commands import api_app
from tests.fixtures.auth import settings_for, token_for
from tests.fixtures.factories import make_client, make_organization, make_project, make_user

REQUEST = """mutation($id: ID!) { requestSiteBuild(input: {clientId: $id}) { siteBuild { id state } userErrors { code } } }"""
WATCH = "subscription($id: ID!) { siteBuildUpdates(buildId: $id) { state filesUploaded error } }"
PROTOCOL = "graphql-transport-ws"


async def _world(url: str) -> tuple[int, str]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        staff = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        await make_project(session, client=client, code="HB-1", name="Dredging Permits Portal")
        await session.commit()
        ids = staff.id, client.id
    await engine.dispose()
    return ids[0], base64.b64encode(f"Client:{ids[1]}".encode()).decode()


@pytest.fixture
def live(fresh_database_url: str, tmp_path: Path) -> tuple[Settings, str, str]:
    upgrade_database(fresh_database_url)
    staff_id, client_gid = asyncio.run(_world(fresh_database_url))
    settings = settings_for(fresh_database_url, tmp_path)
    return settings, token_for(settings, staff_id), client_gid


def test_a_requested_build_is_published_and_streamed_to_the_end(live: tuple[Settings, str, str], tmp_path: Path) -> None:
    settings, token, client_gid = live
    with TestClient(api_app(settings)) as http:
        response = http.post("/graphql", json={"query": REQUEST, "variables": {"id": client_gid}},
                             headers={"Authorization": f"Bearer {token}"})
        build = response.json()["data"]["requestSiteBuild"]["siteBuild"]
        assert build["state"] == "QUEUED"

        with http.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": WATCH, "variables": {"id": build["id"]}}})
            states, message = [], ws.receive_json()
            while message["type"] == "next":
                states.append(message["payload"]["data"]["siteBuildUpdates"])
                message = ws.receive_json()
            assert message == {"id": "1", "type": "complete"}

    assert [s["state"] for s in states][-1] == "PUBLISHED" and states[-1]["filesUploaded"] > 0
    order = ["QUEUED", "RUNNING", "PUBLISHED"]
    assert [order.index(s["state"]) for s in states] == sorted(order.index(s["state"]) for s in states)
    published = list((tmp_path / "sites").glob("harbor-*/index.html"))
    assert len(published) == 1 and "Dredging Permits Portal" in published[0].read_text(encoding="utf-8")


def test_a_websocket_without_a_valid_token_is_rejected(live: tuple[Settings, str, str]) -> None:
    settings, _token, _client = live
    with TestClient(api_app(settings)) as http, http.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer not-a-token"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4403


def test_the_legacy_graphql_ws_protocol_is_not_spoken(live: tuple[Settings, str, str]) -> None:
    settings, _token, _client = live
    with TestClient(api_app(settings)) as http:
        with pytest.raises(WebSocketDisconnect), http.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            ws.receive_json()
