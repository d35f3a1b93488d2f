"""The SSRF guard: only public addresses unless private networks are allowed, https only in production, and the
request goes to the address that was checked."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.delivery.models import Delivery, DeliveryState
from api.settings import Settings
from api.webhooks import guard
from api.webhooks.models import EndpointOwner, WebhookEndpoint
from tests.api.delivery.world import publish
from tests.api.webhooks.world import HookWorld, create_endpoint, react_and_call
from tests.fixtures.auth import settings_for
from tests.fixtures.graphql import global_id
from tests.fixtures.webhooks import Receiver

NOT_PUBLIC = ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
              "224.0.0.1", "::1", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
              "2002:7f00:1::1", "64:ff9b::a00:1"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_loopback_private_link_local_and_metadata_addresses_are_not_public(address: str) -> None:
    assert not guard.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_are(address: str) -> None:
    assert guard.is_public(ipaddress.ip_address(address))


def _production(tmp_path: Path, **overrides: object) -> Settings:
    return settings_for("sqlite://", tmp_path, mode="production", **overrides)


@pytest.mark.parametrize(("url", "says"), [
    ("http://93.184.215.14/hooks", "https only"),
    ("https://127.0.0.1/hooks", "not a public address"),
    ("https://localhost:8443/hooks", "not a public address"),
    ("https://[::ffff:127.0.0.1]/hooks", "not a public address"),
    ("https://169.254.169.254/latest/meta-data", "not a public address"),
])
async def test_production_refuses_plain_http_and_private_addresses(tmp_path: Path, url: str, says: str) -> None:
    with pytest.raises(guard.Refused, match=says):
        await guard.resolve(url, settings=_production(tmp_path))


async def test_private_networks_may_be_allowed_explicitly_and_are_by_default_only_outside_production(
        tmp_path: Path) -> None:
    allowed = _production(tmp_path, webhook_allow_private_networks=True)
    target = await guard.resolve("https://localhost:8443/hooks?x=1", settings=allowed)
    assert str(target.address) in ("127.0.0.1", "::1")
    assert target.host_header == "localhost:8443"
    assert target.request_url.host == str(target.address) and target.request_url.query == b"x=1"
    embedded = settings_for("sqlite://", tmp_path)
    assert embedded.webhooks_may_reach_private_networks
    assert not _production(tmp_path).webhooks_may_reach_private_networks
    with pytest.raises(guard.Refused):
        await guard.resolve("http://127.0.0.1/x", settings=settings_for("sqlite://", tmp_path,
                                                                         webhook_allow_private_networks=False))


async def test_in_production_an_endpoint_on_loopback_is_refused_at_registration_and_never_called(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    production = app_settings.model_copy(update={"mode": "production"})
    refused = await create_endpoint(sessions, production, world.admin, url=receiver.url.replace("http:", "https:"),
                                    eventTypes=["STATUS_REPORT_PUBLISHED"],
                                    clientId=global_id("Client", world.mail.client_id))
    assert [(error["field"], error["code"]) for error in refused["userErrors"]] == [(["input", "url"], "INVALID")]
    assert "not a public address" in refused["userErrors"][0]["message"]
    # One registered before the guard applied (or whose name came to resolve to loopback) is checked again on
    # every attempt, and nothing is sent to it.
    async with sessions() as session:
        pmo_id = world.admin.grants[0].organization_id
        session.add(WebhookEndpoint(url=receiver.url, event_types=["status_report.published"],
                                    client_id=world.mail.client_id, owner=EndpointOwner.PMO,
                                    owner_organization_id=pmo_id))
        await session.commit()
    await publish(sessions, world.mail)
    await react_and_call(sessions, production)
    assert receiver.requests == []
    async with sessions() as session:
        delivery = await session.scalar(select(Delivery).where(Delivery.endpoint_id.is_not(None)))
    assert delivery.state is DeliveryState.PENDING and delivery.last_error.startswith("refused: production mode")
