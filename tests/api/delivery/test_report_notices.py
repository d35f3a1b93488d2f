"""A published report reaches each of the client's people as one email, over real SMTP, with only what they may read."""

from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.delivery import service as delivery_service
from api.delivery.models import Delivery, DeliveryState, NoticeKind
from api.projects.models import Project
from api.reports import service as report_service
from api.reports.models import StatusReport
from api.settings import Settings
from tests.api.delivery.world import (
    CANARIES,
    CLOSED_RISK,
    INTERNAL_RISK,
    OPEN_RISK,
    MailWorld,
    publish,
    react_and_send,
)
from tests.fixtures.factories import make_status_report
from tests.fixtures.mail import Inbox


def parts(message: EmailMessage) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


async def _deliveries(sessions: async_sessionmaker[AsyncSession]) -> list[Delivery]:
    async with sessions() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


async def test_each_contact_and_executive_gets_one_multipart_notice_over_one_connection(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await publish(sessions, world)
    transport = smtp_server.transport()
    assert await react_and_send(sessions, app_settings, transport) == 2
    await transport.close()

    assert sorted(smtp_server.recipients) == [[world.contact_email], [world.executive_email]]
    assert smtp_server.connections == 1
    message = smtp_server.to(world.contact_email)[0]
    assert message["Subject"] == f"{world.project_code} status: {world.report_title} (Amber)"
    assert message["From"] == app_settings.mail_from
    assert re.fullmatch(r"<rapport\.event-\d+\.user-\d+@localhost>", message["Message-ID"])
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    text, html = parts(message)
    for body in (text, html):
        assert OPEN_RISK in body and "Early filing with the port authority" in body
        assert "Pilot go-live" in body
        assert "Data migration rehearsal done." in body and "Train the pilot users." in body
        assert "/harbor-key" in body and "/reports/har-7-2026-03-31.html" in body
    assert "Steady progress &lt;b&gt;&amp; on budget&lt;/b&gt;." in html and "<b>&" not in html
    assert "Steady progress <b>& on budget</b>." in text
    assert "<img" not in html and "<link" not in html and "<style" not in html and "<script" not in html
    assert [(d.state, d.attempts, d.kind) for d in await _deliveries(sessions)] == [
        (DeliveryState.SENT, 1, NoticeKind.REPORT_PUBLISHED)] * 2


async def test_nothing_any_recipient_may_not_read_is_in_any_mail(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    assert len(smtp_server.messages) == 2
    for message in smtp_server.messages:
        raw = message.as_string()
        text, html = parts(message)
        for canary in CANARIES:
            assert canary not in raw and canary not in text and canary not in html, canary
    assert INTERNAL_RISK not in str(smtp_server.messages) and CLOSED_RISK not in str(smtp_server.messages)


async def test_the_survey_link_in_the_notice_opens_the_survey(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    text, html = parts(smtp_server.to(world.contact_email)[0])
    [link] = re.findall(r"http://\S+/s/[\w.-]+", text)
    assert f'href="{link}"' in html
    with TestClient(create_app(app_settings)) as client:
        page = client.get(link.removeprefix(app_settings.public_url.rstrip("/")))
    assert page.status_code == 200
    assert "How" in page.text and "<form" in page.text


async def test_under_the_frequency_cap_the_notice_still_goes_but_without_a_second_invitation(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    async with sessions() as session:
        first = await session.get(StatusReport, world.report_id)
        second = await make_status_report(session, project=await session.get(Project, first.project_id),
                                          title="April status", period_start=date(2026, 4, 1),
                                          period_end=date(2026, 4, 30))
        await report_service.publish_status_report(session, principal=world.staff, report_id=second.id)
        await session.commit()
    await react_and_send(sessions, app_settings, smtp_server.transport())
    april = [m for m in smtp_server.messages if "April status" in m["Subject"]]
    assert len(april) == 2
    assert all("/s/" not in parts(message)[0] for message in april)


async def test_a_reaction_run_again_makes_no_second_delivery_and_sends_nothing_twice(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await publish(sessions, world)
    transport = smtp_server.transport()
    await react_and_send(sessions, app_settings, transport)
    [first] = {d.event_id for d in await _deliveries(sessions)}
    async with sessions() as session:
        again = await delivery_service.queue_notices(session, event_id=first, client_id=world.client_id,
                                                     kind=NoticeKind.REPORT_PUBLISHED, settings=app_settings)
        await session.commit()
    assert again == []
    assert await react_and_send(sessions, app_settings, transport) == 0
    assert len(smtp_server.messages) == 2


async def test_with_mail_switched_off_deliveries_are_recorded_as_suppressed(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    settings = app_settings.model_copy(update={"mail_enabled": False})
    await publish(sessions, world)
    await react_and_send(sessions, settings, smtp_server.transport())
    assert smtp_server.messages == []
    assert {d.state for d in await _deliveries(sessions)} == {DeliveryState.SUPPRESSED}
