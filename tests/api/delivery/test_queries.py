"""PMO staff see every delivery and send one again; nobody else sees any."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import Role
from api.delivery import sender
from api.delivery.models import Delivery, DeliveryState
from api.settings import Settings
from tests.api.delivery.world import MailWorld, publish, react_and_send
from tests.fixtures.graphql import data_of, global_id, principal
from tests.fixtures.mail import Inbox, free_port, smtp_transport

DELIVERIES = """query($state: DeliveryState, $clientId: ID) { deliveries(first: 10, state: $state, clientId: $clientId) {
  totalCount edges { node { id kind state attempts lastError messageId address recipient { email } client { slug } } } } }"""
REDELIVER = """mutation($input: RedeliverInput!) { redeliver(input: $input) {
  delivery { state attempts lastError } userErrors { field code } } }"""


async def test_staff_list_deliveries_by_state_and_send_a_failed_one_again_under_its_message_id(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    smtp_server.rcpt_answers.append("550 5.1.1 No such mailbox")
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    async with sessions() as session:
        failed = await data_of(session, world.staff, DELIVERIES, state="FAILED",
                               clientId=global_id("Client", world.client_id))
        [edge] = failed["deliveries"]["edges"]
        node = edge["node"]
        assert (node["kind"], node["state"], node["attempts"]) == ("REPORT_PUBLISHED", "FAILED", 1)
        assert "550" in node["lastError"] and node["client"] == {"slug": "harbor"}
        assert node["recipient"]["email"] == node["address"]
        everything = await data_of(session, world.staff, DELIVERIES)
        assert everything["deliveries"]["totalCount"] == 2

        again = await data_of(session, world.staff, REDELIVER, input={"deliveryId": node["id"]})
        assert again["redeliver"] == {"userErrors": [], "delivery": {"state": "PENDING", "attempts": 0,
                                                                      "lastError": None}}
        refused = await data_of(session, world.staff, REDELIVER, input={"deliveryId": node["id"]})
        assert refused["redeliver"]["userErrors"] == [{"field": ["input", "deliveryId"], "code": "CONFLICT"}]
        await session.commit()
    await sender.send_due_deliveries(sessions, settings=app_settings,
                                     transport=smtp_server.transport())
    async with sessions() as session:
        rows = list(await session.scalars(select(Delivery).order_by(Delivery.id)))
    assert {row.state for row in rows} == {DeliveryState.SENT}
    resent = [m for m in smtp_server.messages if m["Message-ID"] == node["messageId"]]
    assert len(resent) == 1


async def test_nobody_but_pmo_staff_sees_or_redelivers_a_delivery(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings) -> None:
    await publish(sessions, world)
    await react_and_send(sessions, app_settings,
                         smtp_transport(f"smtp://127.0.0.1:{free_port()}"))
    async with sessions() as session:
        [first, *_] = list(await session.scalars(select(Delivery.id).order_by(Delivery.id)))
        executive = principal(world.client_id, Role.CLIENT_EXECUTIVE)
        for viewer in (world.contact, executive):
            assert (await data_of(session, viewer, DELIVERIES))["deliveries"]["totalCount"] == 0
            node = await data_of(session, viewer, "query($id: ID!) { node(id: $id) { id } }",
                                 id=global_id("Delivery", first))
            assert node == {"node": None}
            refused = await data_of(session, viewer, REDELIVER, input={"deliveryId": global_id("Delivery", first)})
            assert refused["redeliver"]["userErrors"][0]["code"] == "FORBIDDEN"
        staff_node = await data_of(session, world.staff, "query($id: ID!) { node(id: $id) { id } }",
                                   id=global_id("Delivery", first))
        assert staff_node == {"node": {"id": global_id("Delivery", first)}}
