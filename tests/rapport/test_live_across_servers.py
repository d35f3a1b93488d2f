"""Two `rapport serve` processes on one PostgreSQL: a subcontractor's update made on one reaches, within 2 s, a
subscriber on the other, through Redis pub/sub and through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from api.auth.models import Role
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import OrganizationKind
from tests.fixtures.auth import TEST_SECRET, settings_for, token_for
from tests.fixtures.factories import assign, make_client, make_milestone, make_organization, make_project, make_user
from tests.fixtures.graphql import global_id
from tests.fixtures.websocket import graphql_socket

WATCH = "subscription($id: ID!) { projectActivity(projectId: $id) { kind summary } }"
PROGRESS = """mutation($id: ID!) { updateMilestone(input: {id: $id, percentComplete: 55}) { userErrors { code } } }"""
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _server(database_url: str, events_url: str, folder: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAPPORT_DATABASE_URL": database_url,
           "RAPPORT_EVENTS_URL": events_url, "RAPPORT_JWT_SECRET": TEST_SECRET, "RAPPORT_DATA_DIR": str(folder),
           "RAPPORT_PUBLISH_TARGET": (folder / "sites").as_uri()}
    process = subprocess.Popen([sys.executable, "-m", "rapport", "serve", "--port", str(port)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)


async def _world(url: str) -> tuple[int, int, int, int]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        staff = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
        project = await make_project(session, client=client, code="HB-1")
        await assign(session, project=project, organization=vendor)
        milestone = await make_milestone(session, project=project, name="Pilot live")
        vendor_user = await make_user(session, organization=vendor, role=Role.SUBCONTRACTOR)
        await session.commit()
        ids = staff.id, vendor_user.id, project.id, milestone.id
    await engine.dispose()
    return ids


@pytest.mark.parametrize("fanout", ["redis", "postgresql"])
def test_an_update_on_one_server_reaches_a_subscriber_on_the_other(fresh_postgres_database_url: str, fanout: str,
                                                                   tmp_path: Path) -> None:
    url = fresh_postgres_database_url
    upgrade_database(url)
    staff_id, vendor_id, project_id, milestone_id = asyncio.run(_world(url))
    settings = settings_for(url, tmp_path)
    events_url = "redis://127.0.0.1:6379/0" if fanout == "redis" else url.replace("+asyncpg", "")
    with _server(url, events_url, tmp_path / "a") as watching, _server(url, events_url, tmp_path / "b") as changing:
        received, waited = asyncio.run(_watch_and_change(watching, changing, token_for(settings, staff_id),
                                                         token_for(settings, vendor_id), project_id, milestone_id))
    assert received == {"kind": "MilestoneProgressReported", "summary": "Pilot live is 55% complete (in progress)"}
    assert waited < 2.0, f"arrived after {waited:.2f} s"


async def _watch_and_change(watching: str, changing: str, staff: str, vendor: str, project_id: int,
                            milestone_id: int) -> tuple[dict[str, str], float]:
    async with graphql_socket(watching, staff) as subscriber:
        await subscriber.subscribe("1", WATCH, id=global_id("Project", project_id))
        await asyncio.sleep(1)  # the subscription is in place well before the change (no event to wait on here)
        async with httpx.AsyncClient(base_url=changing, timeout=30) as http:
            response = await http.post("/graphql", json={"query": PROGRESS,
                                                         "variables": {"id": global_id("Milestone", milestone_id)}},
                                       headers={"Authorization": f"Bearer {vendor}"})
        changed_at = time.monotonic()
        assert response.json()["data"] == {"updateMilestone": {"userErrors": []}}, response.text
        message = await asyncio.wait_for(subscriber.receive(), 30)
        waited = time.monotonic() - changed_at
    assert message["type"] == "next", message
    return message["payload"]["data"]["projectActivity"], waited
