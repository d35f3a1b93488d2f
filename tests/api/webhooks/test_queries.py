"""What each caller sees of endpoints' requests: a client its own endpoints', PMO staff every delivery."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import Role
from api.delivery.models import Delivery, DeliveryState
from api.organizations.models import Organization
from api.settings import Settings
from tests.api.delivery.world import publish
from tests.api.webhooks.world import HookWorld, create_endpoint, react_and_call, run
from tests.fixtures.graphql import global_id, principal
from tests.fixtures.webhooks import Receiver

REQUESTS = """query($id: ID!) { webhookDeliveries(endpointId: $id, first: 10) {
  edges { node { channel kind eventType state attempts messageId address recipient { email }
                 endpoint { url enabled } } } } }"""
ALL = "{ deliveries(first: 50) { edges { node { channel eventType } } } }"


async def test_a_client_sees_its_endpoints_requests_and_no_mail_and_staff_see_everything(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    created = await create_endpoint(sessions, app_settings, world.client_token, url=receiver.url,
                                    eventTypes=["STATUS_REPORT_PUBLISHED"],
                                    clientId=global_id("Client", world.mail.client_id))
    endpoint_id = created["webhookEndpoint"]["id"]
    await publish(sessions, world.mail)
    await react_and_call(sessions, app_settings)
    result = await run(sessions, app_settings, world.client_token, REQUESTS, id=endpoint_id)
    [edge] = result.data["webhookDeliveries"]["edges"]
    node = edge["node"]
    assert node["channel"] == "WEBHOOK" and node["kind"] == "WEBHOOK"
    assert node["eventType"] == "status_report.published" and node["state"] == "SENT" and node["attempts"] == 1
    assert node["messageId"] == receiver.requests[0].headers["webhook-id"]
    assert node["address"] == receiver.url and node["recipient"] is None
    assert node["endpoint"] == {"url": receiver.url, "enabled": True}

    mine = (await run(sessions, app_settings, world.client_token, ALL)).data["deliveries"]["edges"]
    assert [edge["node"]["channel"] for edge in mine] == ["WEBHOOK"]
    every = (await run(sessions, app_settings, world.mail.staff, ALL)).data["deliveries"]["edges"]
    assert sorted({edge["node"]["channel"] for edge in every}) == ["EMAIL", "WEBHOOK"]

    async with sessions() as session:
        rival_id = await session.scalar(select(Organization.id).where(Organization.slug == "rival"))
    rival = principal(rival_id, Role.CLIENT_EXECUTIVE)
    refused = await run(sessions, app_settings, rival, REQUESTS, id=endpoint_id)
    assert refused.data is None and refused.errors[0].extensions["code"] == "NOT_FOUND"
    assert (await run(sessions, app_settings, rival, ALL)).data["deliveries"]["edges"] == []


REDELIVER = """mutation($input: RedeliverInput!) { redeliver(input: $input) {
  delivery { state attempts eventType } userErrors { code } } }"""


async def test_staff_redeliver_a_failed_request_under_its_own_webhook_id(
        sessions: async_sessionmaker[AsyncSession], world: HookWorld, app_settings: Settings,
        receiver: Receiver) -> None:
    created = await create_endpoint(sessions, app_settings, world.admin, url=receiver.url,
                                    eventTypes=["STATUS_REPORT_PUBLISHED"])
    receiver.answers.extend([400])
    await publish(sessions, world.mail)
    await react_and_call(sessions, app_settings)
    [edge] = (await run(sessions, app_settings, world.admin, REQUESTS,
                        id=created["webhookEndpoint"]["id"])).data["webhookDeliveries"]["edges"]
    async with sessions() as session:  # given up on (as after the last attempt), the endpoint still live
        await session.execute(update(Delivery).where(Delivery.endpoint_id.is_not(None))
                              .values(state=DeliveryState.FAILED))
        delivery_id = await session.scalar(select(Delivery.id).where(Delivery.endpoint_id.is_not(None)))
        await session.commit()
    redone = (await run(sessions, app_settings, world.mail.staff, REDELIVER,
                        input={"deliveryId": global_id("Delivery", delivery_id)})).data["redeliver"]
    assert redone == {"delivery": {"state": "PENDING", "attempts": 0, "eventType": "status_report.published"},
                      "userErrors": []}
    await react_and_call(sessions, app_settings)
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == edge["node"]["messageId"]
    assert first.body == second.body
