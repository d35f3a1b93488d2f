"""Registering, rotating and disabling endpoints: who may, what they get back once, and what input is refused."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.organizations.models import Organization
from api.settings import Settings
from api.webhooks.models import WebhookEndpoint, WebhookSecret
from tests.api.webhooks.world import HookWorld, create_endpoint, run
from tests.fixtures.graphql import global_id

LIST = "{ webhookEndpoints(first: 20) { edges { node { id url owner client { name } } } } }"


def _client(world: HookWorld) -> str:
    return global_id("Client", world.mail.client_id)


async def _count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return len(list(await session.scalars(select(model))))


async def test_a_pmo_admin_registers_an_endpoint_for_every_client_and_sees_its_secret_once(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings) -> None:
    payload = await create_endpoint(sessions, app_settings, world.admin, url="http://127.0.0.1:9/all",
                                    eventTypes=["STATUS_REPORT_PUBLISHED", "FEEDBACK_RECEIVED"],
                                    description="PMO data warehouse")
    assert payload["userErrors"] == []
    endpoint = payload["webhookEndpoint"]
    assert endpoint["owner"] == "PMO" and endpoint["client"] is None and endpoint["enabled"] is True
    assert endpoint["eventTypes"] == ["STATUS_REPORT_PUBLISHED", "FEEDBACK_RECEIVED"]
    secret = payload["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    listed = (await run(sessions, app_settings, world.admin, LIST)).data["webhookEndpoints"]["edges"]
    assert [edge["node"]["url"] for edge in listed] == ["http://127.0.0.1:9/all"]
    assert secret not in str(listed)


async def test_a_client_token_with_write_scope_registers_for_its_own_client_only(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings) -> None:
    own = await create_endpoint(sessions, app_settings, world.client_token, url="http://127.0.0.1:9/ours",
                                eventTypes=["MILESTONE_SUBMITTED"], clientId=_client(world))
    assert own["userErrors"] == [] and own["webhookEndpoint"]["owner"] == "CLIENT"
    async with sessions() as session:
        assert await session.scalar(select(WebhookEndpoint.client_id)) == world.mail.client_id
        other = await session.scalar(select(Organization.id).where(Organization.slug == "rival"))
    for values, code in (({"clientId": global_id("Client", other)}, "FORBIDDEN"), ({}, "FORBIDDEN"),
                         ({"clientId": _client(world), "eventTypes": ["FEEDBACK_RECEIVED"]}, "INVALID")):
        refused = await create_endpoint(sessions, app_settings, world.client_token, url="http://127.0.0.1:9/x",
                                        **({"eventTypes": ["MILESTONE_SUBMITTED"]} | values))
        assert refused["webhookEndpoint"] is None and [e["code"] for e in refused["userErrors"]] == [code]
    assert await _count(sessions, WebhookEndpoint) == 1
    mine = (await run(sessions, app_settings, world.client_token, LIST)).data["webhookEndpoints"]["edges"]
    assert [edge["node"]["url"] for edge in mine] == ["http://127.0.0.1:9/ours"]


async def test_others_may_not_register_and_a_read_only_token_may_not_run_the_mutation(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings) -> None:
    values = {"url": "http://127.0.0.1:9/x", "eventTypes": ["MILESTONE_SUBMITTED"], "clientId": _client(world)}
    for actor in (world.mail.staff, world.mail.contact, world.executive):
        refused = await create_endpoint(sessions, app_settings, actor, **values)
        assert [error["code"] for error in refused["userErrors"]] == ["FORBIDDEN"]
    result = await run(sessions, app_settings, world.read_only_token,
                       "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) "
                       "{ secret } }", input=values)
    assert result.errors and "write" in result.errors[0].message
    assert await _count(sessions, WebhookEndpoint) == 0
    # PMO endpoints carry internal fields: a client's people never see them, not even those about their client.
    assert (await create_endpoint(sessions, app_settings, world.admin, **values))["userErrors"] == []
    for actor in (world.client_token, world.mail.contact):
        assert (await run(sessions, app_settings, actor, LIST)).data["webhookEndpoints"]["edges"] == []


@pytest.mark.parametrize(("values", "field"), [
    ({"url": "ftp://127.0.0.1/x"}, "url"),
    ({"url": "not a url at all"}, "url"),
    ({"url": "http://user:pw@127.0.0.1:9/x"}, "url"),
    ({"url": "http://no-such-host.invalid/x"}, "url"),
    ({"url": "http://127.0.0.1:9/" + "x" * 2100}, "url"),
    ({"eventTypes": []}, "eventTypes"),
    ({"description": "d" * 501}, "description"),
])
async def test_bad_input_is_a_typed_error_and_registers_nothing(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        values: dict[str, object], field: str) -> None:
    refused = await create_endpoint(sessions, app_settings, world.admin,
                                    **({"url": "http://127.0.0.1:9/x", "eventTypes": ["SITE_PUBLISHED"]} | values))
    assert refused["webhookEndpoint"] is None and refused["secret"] is None
    assert [(error["field"], error["code"]) for error in refused["userErrors"]] == [(["input", field], "INVALID")]
    assert await _count(sessions, WebhookEndpoint) == 0


ROTATE = ("mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) "
          "{ secret webhookEndpoint { id } userErrors { code } } }")
DISABLE = ("mutation($input: DisableWebhookEndpointInput!) { disableWebhookEndpoint(input: $input) "
           "{ webhookEndpoint { enabled disabledReason } userErrors { code } } }")


async def test_rotating_keeps_the_old_secret_signing_for_a_day_and_disabling_stops_the_endpoint(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings) -> None:
    created = await create_endpoint(sessions, app_settings, world.client_token, url="http://127.0.0.1:9/ours",
                                    eventTypes=["SITE_PUBLISHED"], clientId=_client(world))
    endpoint_id = created["webhookEndpoint"]["id"]
    refused = (await run(sessions, app_settings, world.mail.contact, ROTATE, input={"endpointId": endpoint_id}))
    assert refused.data["rotateWebhookSecret"]["userErrors"] == [{"code": "FORBIDDEN"}]
    rotated = (await run(sessions, app_settings, world.client_token, ROTATE,
                         input={"endpointId": endpoint_id})).data["rotateWebhookSecret"]
    assert rotated["userErrors"] == [] and rotated["secret"] not in (None, created["secret"])
    async with sessions() as session:
        rows = list(await session.scalars(select(WebhookSecret).order_by(WebhookSecret.id)))
    assert [row.secret for row in rows] == [created["secret"], rotated["secret"]]
    assert rows[1].expires_at is None and rows[0].expires_at is not None
    hours = (rows[0].expires_at - rows[1].created_at).total_seconds() / 3600
    assert 23.9 < hours <= 24.01

    disabled = (await run(sessions, app_settings, world.client_token, DISABLE,
                          input={"endpointId": endpoint_id})).data["disableWebhookEndpoint"]
    assert disabled == {"webhookEndpoint": {"enabled": False, "disabledReason": "disabled by its owner"},
                        "userErrors": []}
    again = (await run(sessions, app_settings, world.client_token, DISABLE,
                       input={"endpointId": endpoint_id})).data["disableWebhookEndpoint"]
    assert again["userErrors"] == [{"code": "CONFLICT"}]
    wrong = (await run(sessions, app_settings, world.client_token, DISABLE,
                       input={"endpointId": global_id("Delivery", 1)})).data["disableWebhookEndpoint"]
    assert wrong["userErrors"] == [{"code": "INVALID"}]
