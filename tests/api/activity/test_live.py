"""Live activity over a real WebSocket: what a viewer may see arrives as it happens, replays exactly once after a
cursor, never crosses a tenant or an audience, and ends with the token."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.exceptions import ConnectionClosed

from api.activity.live import LiveActivity, follow_activity
from api.auth import api_tokens
from api.auth.models import Role
from api.auth.principal import Principal
from api.auth.scopes import READ
from api.kit.database import create_engine, create_session_factory
from api.kit.fanout import MemoryFanout
from api.organizations.models import OrganizationKind
from api.settings import Settings
from rapport.commands import api_app
from tests.fixtures.auth import token_for
from tests.fixtures.browser import serving_app
from tests.fixtures.factories import assign, make_client, make_milestone, make_organization, make_project, make_user
from tests.fixtures.graphql import global_id, principal
from tests.fixtures.websocket import GraphQLSocket, graphql_socket

CANARY = "CANARY-PMO-ONLY-7730"
FIELDS = "id kind summary audience project { code }"
PROJECT_FEED = (f"subscription($id: ID!, $after: String) {{ projectActivity(projectId: $id, after: $after) "
                f"{{ {FIELDS} }} }}")
CLIENT_FEED = f"subscription($id: ID, $after: String) {{ clientActivity(clientId: $id, after: $after) {{ {FIELDS} }} }}"
PROGRESS = """mutation($id: ID!, $percent: Int!) { updateMilestone(input: {id: $id, percentComplete: $percent}) {
  milestone { percentComplete } userErrors { code message } } }"""
RISK = """mutation($project: ID!, $title: String!, $visibility: RiskVisibility!) {
  createRisk(input: {projectId: $project, kind: RISK, title: $title, probability: 2, impact: 2, ownerName: "Pat", visibility: $visibility}) {
  userErrors { code message } } }"""
COMMENT = """mutation($subject: ID!, $body: String!, $audience: Audience!) { addComment(input: {subjectId: $subject,
  body: $body, audience: $audience}) { userErrors { code message } } }"""
REVOKE = "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { userErrors { code } } }"
WAIT = 20  # an upper bound for one item to arrive, not a measurement: the arrival itself is what is asserted


@dataclass(frozen=True)
class Served:
    base_url: str
    settings: Settings
    app: Any
    tokens: dict[str, str]
    ids: dict[str, str]


async def _world(settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    engine = create_engine(settings.resolved_database_url)
    async with create_session_factory(engine)() as session:
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        admin = await make_user(session, organization=pmo, role=Role.PMO_ADMIN, name="Pat Admin")
        harbor = await make_client(session, slug="harbor", name="Harbor Authority")
        rival = await make_client(session, slug="rival", name="Rival Authority")
        vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
        project = await make_project(session, client=harbor, code="HB-1")
        other = await make_project(session, client=rival, code="RV-1")
        await assign(session, project=project, organization=vendor)
        milestone = await make_milestone(session, project=project, name="Pilot live")
        rival_milestone = await make_milestone(session, project=other, name="Rival pilot")
        client_user = await make_user(session, organization=harbor, role=Role.CLIENT_EXECUTIVE)
        rival_user = await make_user(session, organization=rival, role=Role.CLIENT_CONTACT)
        vendor_user = await make_user(session, organization=vendor, role=Role.SUBCONTRACTOR)
        issued = await api_tokens.create_api_token(
            session, settings=settings, principal=principal(pmo.id, Role.PMO_ADMIN, user_id=admin.id),
            organization_id=harbor.id, name="dashboard", role=Role.CLIENT_CONTACT, scopes=[READ],
            expires_at=None, ttl_seconds=3600)
        await session.commit()
        token_id, api_token = issued.api_token.id, issued.token
    await engine.dispose()
    tokens = {"staff": token_for(settings, admin.id), "client": token_for(settings, client_user.id),
              "rival": token_for(settings, rival_user.id), "vendor": token_for(settings, vendor_user.id),
              "api": api_token}
    ids = {"project": global_id("Project", project.id), "other": global_id("Project", other.id),
           "milestone": global_id("Milestone", milestone.id),
           "rival_milestone": global_id("Milestone", rival_milestone.id), "harbor": global_id("Client", harbor.id),
           "vendor_user": str(vendor_user.id), "token": global_id("ApiToken", token_id)}
    return tokens, ids


@pytest.fixture
def served(app_settings: Settings) -> Iterator[Served]:
    settings = app_settings.model_copy(update={"ws_recheck_seconds": 0.5, "ws_max_subscriptions_per_principal": 3,
                                               "jwt_leeway_seconds": 0})
    tokens, ids = asyncio.run(_world(settings))
    app = api_app(settings)
    with serving_app(app) as base_url:
        yield Served(base_url=base_url, settings=settings, app=app, tokens=tokens, ids=ids)


async def _post(served: Served, who: str, query: str, **variables: object) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables},
                                   headers={"Authorization": f"Bearer {served.tokens[who]}"})
    body = response.json()
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    assert payload["userErrors"] == [], payload
    return payload


async def _progress(served: Served, percent: int, who: str = "vendor") -> None:
    await _post(served, who, PROGRESS, id=served.ids["milestone"], percent=percent)


async def _next(socket: GraphQLSocket, operation_id: str = "1") -> dict[str, Any]:
    message = await asyncio.wait_for(socket.receive(), WAIT)
    assert message["type"] == "next" and message["id"] == operation_id, message
    assert "errors" not in message["payload"], message
    return next(iter(message["payload"]["data"].values()))


async def _subscribed(socket: GraphQLSocket, served: Served, query: str = PROJECT_FEED, **variables: object) -> None:
    """Subscribe, and wait until the server has the subscription in place (its watch is registered)."""
    watches = served.app.state.live._watches
    before = len(watches)
    await socket.subscribe("1", query, **variables)
    for _ in range(200):
        if len(watches) > before:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the subscription never started")


async def test_staff_watching_a_project_see_a_subcontractors_update_arrive(served: Served) -> None:
    async with graphql_socket(served.base_url, served.tokens["staff"]) as socket:
        await _subscribed(socket, served, id=served.ids["project"])
        await _progress(served, 40)
        item = await _next(socket)
    assert item["kind"] == "MilestoneProgressReported" and item["project"] == {"code": "HB-1"}
    assert item["summary"] == "Pilot live is 40% complete (in progress)"


async def test_a_reconnecting_subscriber_gets_each_missed_item_once_in_order_then_live(served: Served) -> None:
    async with graphql_socket(served.base_url, served.tokens["vendor"]) as socket:
        await _subscribed(socket, served, id=served.ids["project"])
        await _progress(served, 10)
        last_seen = (await _next(socket))["id"]
    for percent in (20, 30, 40):
        await _progress(served, percent)
    async with graphql_socket(served.base_url, served.tokens["vendor"]) as socket:
        await socket.subscribe("1", PROJECT_FEED, id=served.ids["project"], after=last_seen)
        replayed = [await _next(socket) for _ in range(3)]
        await _progress(served, 50)
        live = await _next(socket)
    assert [item["summary"] for item in replayed] == [f"Pilot live is {p}% complete (in progress)"
                                                        for p in (20, 30, 40)]
    assert live["summary"] == "Pilot live is 50% complete (in progress)"
    assert len({item["id"] for item in [*replayed, live]} | {last_seen}) == 5


async def test_another_clients_subscriber_cannot_subscribe_and_receives_nothing(served: Served) -> None:
    async with graphql_socket(served.base_url, served.tokens["rival"]) as socket:
        answers = []
        for operation_id, project in (("1", served.ids["project"]), ("2", global_id("Project", 999_999))):
            await socket.subscribe(operation_id, PROJECT_FEED, id=project)
            answers.append(await asyncio.wait_for(socket.receive(), WAIT))
            assert await asyncio.wait_for(socket.receive(), WAIT) == {"id": operation_id, "type": "complete"}
        hidden, missing = answers
    for refused in (hidden, missing):
        assert refused["type"] == "next" and refused["payload"]["data"] is None, refused
    assert [e["message"] for e in hidden["payload"]["errors"]] == [e["message"] for e in missing["payload"]["errors"]]
    assert hidden["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    async with graphql_socket(served.base_url, served.tokens["rival"]) as socket:
        await _subscribed(socket, served, CLIENT_FEED)
        await _progress(served, 60)  # harbor's project: the rival must never see it
        await _post(served, "staff", PROGRESS, id=served.ids["rival_milestone"], percent=5)
        first = await _next(socket)
    assert first["summary"] == "Rival pilot is 5% complete (in progress)"  # ids arrive in order: nothing came before


async def test_team_and_pmo_activity_never_reach_the_client_live(served: Served) -> None:
    async with graphql_socket(served.base_url, served.tokens["client"]) as socket:
        await _subscribed(socket, served, CLIENT_FEED, id=served.ids["harbor"])
        await _post(served, "staff", RISK, project=served.ids["project"], title=CANARY, visibility="INTERNAL")
        for audience in ("TEAM", "PMO"):
            await _post(served, "staff", COMMENT, subject=served.ids["milestone"], body=f"{CANARY} {audience}",
                        audience=audience)
        await _post(served, "staff", RISK, project=served.ids["project"], title="Permit delayed", visibility="CLIENT")
        first = await _next(socket)
    # Items arrive in the order they were recorded: had the internal risk's reached the client, it came first.
    assert first["summary"] == "Risk raised: Permit delayed" and first["audience"] == "CLIENT"
    assert CANARY not in str(first)


async def test_revoking_the_token_closes_the_subscription(served: Served) -> None:
    async with graphql_socket(served.base_url, served.tokens["api"]) as socket:
        await _subscribed(socket, served, id=served.ids["project"])
        await _post(served, "staff", REVOKE, id=served.ids["token"])
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.receive(), WAIT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    await _until(lambda: not served.app.state.live._watches)


async def test_a_token_that_expires_closes_the_subscription(served: Served) -> None:
    brief = token_for(served.settings, int(served.ids["vendor_user"]), ttl_seconds=3)
    async with graphql_socket(served.base_url, brief) as socket:
        await _subscribed(socket, served, id=served.ids["project"])
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.receive(), WAIT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_subscriptions_per_caller_are_limited_and_a_closed_socket_leaves_nothing(served: Served) -> None:
    async with graphql_socket(served.base_url, served.tokens["vendor"]) as one, \
            graphql_socket(served.base_url, served.tokens["vendor"]) as two:
        for operation_id in ("1", "2"):
            await one.subscribe(operation_id, PROJECT_FEED, id=served.ids["project"])
        await _until(lambda: len(served.app.state.live._watches) == 2)
        await two.subscribe("1", CLIENT_FEED)
        await _until(lambda: len(served.app.state.live._watches) == 3)
        await two.subscribe("2", CLIENT_FEED)
        refused = await asyncio.wait_for(two.receive(), WAIT)
    assert refused["payload"]["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_LIMIT"
    await _until(lambda: not served.app.state.live._watches)


async def _until(condition: Any, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def test_a_subscription_cancelled_as_it_is_woken_ends(session: AsyncSession) -> None:
    """Its socket closed just as an announcement woke it: the subscription must end, not wait for the next one."""
    live = LiveActivity(MemoryFanout(), per_principal=5)
    staff = principal(1, Role.PMO_STAFF, user_id=1)

    async def authenticate() -> Principal:
        return staff

    items = follow_activity(session, live=live, principal=staff, authenticate=authenticate, token="t", after_id=None,
                            client_id=None, project_id=None, recheck_seconds=60)
    following = asyncio.create_task(anext(items))
    await _until(lambda: bool(live._watches))
    await asyncio.sleep(0.05)  # it has read, found nothing, and waits to be woken
    [watch] = live._watches
    watch.woken.set()
    following.cancel()
    done, _pending = await asyncio.wait({following}, timeout=5)
    assert following in done and following.cancelled()
    await items.aclose()
    assert not live._watches
