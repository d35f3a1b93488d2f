"""SMTP answering 421, 451 or 550, a server that cannot be reached, and a crash between sending and recording:
retried while it may help, FAILED with its error when it cannot, and never a second message beyond what the
Message-ID lets the receiving side fold into one."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.delivery import sender
from api.delivery.mail import SmtpTransport
from api.delivery.models import Delivery, DeliveryState
from api.kit.columns import utcnow
from api.settings import Settings
from tests.api.delivery.world import (
    MailWorld,
    publish,
    react_and_send,
)
from tests.fixtures.mail import Inbox, free_port, smtp_transport


async def _states(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[DeliveryState, int, str | None]]:
    async with sessions() as session:
        rows = await session.scalars(select(Delivery).order_by(Delivery.id))
        return [(row.state, row.attempts, row.last_error) for row in rows]


async def _make_due(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await session.execute(update(Delivery).where(Delivery.state == DeliveryState.PENDING)
                              .values(due_at=utcnow() - timedelta(seconds=1)))
        await session.commit()


@pytest.mark.parametrize("answer", ["421 4.3.2 Service shutting down", "451 4.3.0 Try again later"])
async def test_a_temporary_refusal_is_retried_later_and_then_sent(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox, answer: str) -> None:
    smtp_server.data_answers.extend([answer, answer])
    await publish(sessions, world)
    transport = smtp_server.transport()
    await react_and_send(sessions, app_settings, transport)
    states = await _states(sessions)
    assert [(state, attempts) for state, attempts, _ in states] == [(DeliveryState.PENDING, 1)] * 2
    assert all(answer.split()[0] in (error or "") for _, _, error in states)
    assert smtp_server.messages == []
    assert await sender.send_due_deliveries(sessions, settings=app_settings, transport=transport) == 0  # not yet due

    await _make_due(sessions)
    await sender.send_due_deliveries(sessions, settings=app_settings, transport=transport)
    assert [(state, attempts, error) for state, attempts, error in await _states(sessions)] == [
        (DeliveryState.SENT, 2, None)] * 2
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([world.contact_email, world.executive_email])


async def test_a_permanent_refusal_fails_at_once_with_its_answer(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    smtp_server.rcpt_answers.extend(["550 5.1.1 No such mailbox", None])
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    states = await _states(sessions)
    assert states[0][:2] == (DeliveryState.FAILED, 1) and "550 5.1.1 No such mailbox" in states[0][2]
    assert states[1][:2] == (DeliveryState.SENT, 1)
    assert len(smtp_server.messages) == 1  # the connection stayed usable for the next recipient


async def test_a_server_that_cannot_be_reached_is_retried_until_the_last_attempt_then_failed(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings) -> None:
    transport = smtp_transport(f"smtp://127.0.0.1:{free_port()}")
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, transport)
    for _ in range(sender.MAX_ATTEMPTS - 1):
        states = await _states(sessions)
        assert {state for state, _, _ in states} == {DeliveryState.PENDING}
        assert all("cannot reach the SMTP server" in error for _, _, error in states)
        await _make_due(sessions)
        await sender.send_due_deliveries(sessions, settings=app_settings, transport=transport)
    assert [(state, attempts) for state, attempts, _ in await _states(sessions)] == [
        (DeliveryState.FAILED, sender.MAX_ATTEMPTS)] * 2


def test_retries_wait_longer_each_time() -> None:
    delays = [sender.retry_delay(attempt) for attempt in range(1, sender.MAX_ATTEMPTS)]
    assert delays == sorted(delays) and len(set(delays)) == len(delays)
    assert delays[0] == timedelta(seconds=30)


class CrashAfterSending:
    """Hands the message to the server, then dies before the outcome is recorded (as a killed process would)."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport

    async def send(self, message: EmailMessage) -> None:
        await self.transport.send(message)
        raise SystemExit("killed after sending")

    async def close(self) -> None:
        await self.transport.close()


async def test_a_crash_between_sending_and_recording_sends_again_under_the_same_message_id(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await publish(sessions, world)
    transport = smtp_server.transport()
    with pytest.raises(SystemExit):
        await react_and_send(sessions, app_settings, CrashAfterSending(transport))
    assert [(state, attempts) for state, attempts, _ in await _states(sessions)] == [(DeliveryState.PENDING, 0)] * 2
    assert len(smtp_server.messages) == 1

    await sender.send_due_deliveries(sessions, settings=app_settings, transport=transport)
    assert [(state, attempts) for state, attempts, _ in await _states(sessions)] == [(DeliveryState.SENT, 1)] * 2
    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(ids) == 3 and len(set(ids)) == 2  # the one sent twice carries one Message-ID: one message to its reader
