"""The mail transports: RAPPORT_SMTP_URL read exactly, and .eml files in the embedded default."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.delivery.mail import FileTransport, SmtpServer, SmtpTransport, transport_for
from api.delivery.messages import build_message
from api.kit.columns import utcnow
from api.settings import Settings
from tests.api.delivery.world import MailWorld, publish, react_and_send


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example", SmtpServer("mail.example", 25, False, False, None, None)),
    ("smtp://u%40x:p%3Ass@mail.example:587?starttls=true", SmtpServer("mail.example", 587, False, True, "u@x", "p:ss")),
    ("smtps://user:secret@mail.example", SmtpServer("mail.example", 465, True, False, "user", "secret")),
])
def test_the_smtp_url_says_where_and_how(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.parse(url) == expected


def test_settings_pick_smtp_when_a_url_is_set_and_files_otherwise(tmp_path: Path) -> None:
    assert isinstance(transport_for(Settings(data_dir=tmp_path, smtp_url="smtp://127.0.0.1:2525")), SmtpTransport)
    files = transport_for(Settings(data_dir=tmp_path))
    assert isinstance(files, FileTransport) and files.directory == (tmp_path / "mail").resolve()


async def test_a_message_written_again_replaces_its_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    transport = FileTransport(settings.mail_dir)
    for subject in ("First", "Second"):
        await transport.send(build_message(settings=settings, to="co@harbor.example", subject=subject, text="Hello",
                                           html="<p>Hello</p>", message_id="<rapport.event-1.user-2@localhost>",
                                           date=utcnow()))
    [written] = settings.mail_dir.iterdir()
    assert written.name == "rapport.event-1.user-2_localhost.eml"
    assert email.message_from_bytes(written.read_bytes(), policy=email.policy.default)["Subject"] == "Second"


async def test_without_smtp_each_notice_is_an_rfc_5322_file_in_the_mail_folder(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings) -> None:
    await publish(sessions, world)
    assert await react_and_send(sessions, app_settings, transport_for(app_settings)) == 2
    files = sorted(app_settings.mail_dir.glob("*.eml"))
    messages = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files]
    assert sorted(message["To"] for message in messages) == sorted([world.contact_email, world.executive_email])
    assert all(message.get_content_type() == "multipart/alternative" for message in messages)
    assert not list(app_settings.mail_dir.glob(".writing-*"))
