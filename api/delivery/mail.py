"""Mail transports: SMTP through aiosmtplib (one connection reused across messages), or .eml files on disk.

RAPPORT_SMTP_URL picks SMTP: smtp://user:pass@host:port (plain, or STARTTLS with ?starttls=true) or
smtps://user:pass@host:port (implicit TLS). Without it, embedded mode writes each message as an RFC 5322 file
under <data dir>/mail/, named by its Message-ID, so writing a message again replaces it.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from api.settings import Settings, SettingsError

SMTP_PORT, SMTPS_PORT = 25, 465
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


class MailError(Exception):
    """A message was not accepted; `permanent` when sending it again cannot help (a 5xx answer)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand `message` over for delivery, or raise MailError."""

    async def close(self) -> None:
        """Let go of any connection."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to reach the SMTP server RAPPORT_SMTP_URL names."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        """The server of an smtp:// or smtps:// URL; SettingsError names what is wrong (never the password)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SettingsError("RAPPORT_SMTP_URL must look like smtp://user:pass@host:port or smtps://host:port")
        try:
            port = parts.port
        except ValueError:
            raise SettingsError("RAPPORT_SMTP_URL has a port that is not a number") from None
        starttls = parse_qs(parts.query).get("starttls", ["false"])[-1].lower() in ("true", "1", "yes")
        if parts.scheme == "smtps" and starttls:
            raise SettingsError("RAPPORT_SMTP_URL: smtps:// is TLS from the start; drop ?starttls=true")
        return cls(
            host=parts.hostname, port=port or (SMTPS_PORT if parts.scheme == "smtps" else SMTP_PORT),
            implicit_tls=parts.scheme == "smtps", starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class SmtpTransport:
    """Sends over one SMTP connection, opened on first use and reopened when the server drops it."""

    def __init__(self, server: SmtpServer, *, timeout: float) -> None:
        self.server = server
        self.timeout = timeout
        self._client: aiosmtplib.SMTP | None = None
        self.connections_opened = 0

    async def send(self, message: EmailMessage) -> None:
        for attempt in range(2):  # a connection kept open may have timed out on the server's side
            client = await self._connected()
            try:
                await client.send_message(message)
                return
            except aiosmtplib.SMTPServerDisconnected as exc:
                await self._drop()
                if attempt:
                    raise MailError(f"SMTP server closed the connection: {exc}", permanent=False) from exc
            except aiosmtplib.SMTPRecipientsRefused as exc:
                await self._reset()
                codes = [refusal.code for refusal in exc.recipients]
                raise MailError(f"SMTP refused the recipient: {_first_answer(exc.recipients)}",
                                permanent=all(code >= 500 for code in codes)) from exc
            except aiosmtplib.SMTPResponseException as exc:
                await self._reset()
                raise MailError(f"SMTP answered {exc.code} {exc.message}", permanent=exc.code >= 500) from exc
            except (aiosmtplib.SMTPException, OSError) as exc:
                await self._drop()
                raise MailError(f"SMTP failed: {type(exc).__name__}: {exc}", permanent=False) from exc

    async def close(self) -> None:
        if self._client is not None and self._client.is_connected:
            try:
                await self._client.quit()
            except (aiosmtplib.SMTPException, OSError):
                self._client.close()
        self._client = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        server = self.server
        client = aiosmtplib.SMTP(hostname=server.host, port=server.port, use_tls=server.implicit_tls,
                                 start_tls=server.starttls, username=server.username, password=server.password,
                                 timeout=self.timeout)
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(f"cannot reach the SMTP server at {server.host}:{server.port}: {exc}",
                            permanent=False) from exc
        self._client = client
        self.connections_opened += 1
        return client

    async def _reset(self) -> None:
        """After a refused message the connection stays usable once the transaction is reset."""
        try:
            if self._client is not None and self._client.is_connected:
                await self._client.rset()
        except (aiosmtplib.SMTPException, OSError):
            await self._drop()

    async def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None


class FileTransport:
    """Writes each message to `<directory>/<message id>.eml`, atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = _UNSAFE_FILE_CHARS.sub("_", message["Message-ID"].strip("<>")) + ".eml"
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".writing-", suffix=".eml")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(message.as_bytes())
            os.replace(temporary, self.directory / name)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise MailError(f"cannot write {name}: {exc}", permanent=False) from exc

    async def close(self) -> None:
        return None


def transport_for(settings: Settings) -> MailTransport:
    """SMTP when RAPPORT_SMTP_URL is set, else .eml files under the data directory."""
    if settings.smtp_url is not None:
        return SmtpTransport(SmtpServer.parse(settings.smtp_url.get_secret_value()),
                             timeout=settings.smtp_timeout_seconds)
    return FileTransport(settings.mail_dir)


def sender_domain(settings: Settings) -> str:
    """The domain of RAPPORT_MAIL_FROM, for Message-IDs."""
    return parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"


def _first_answer(refusals: list[aiosmtplib.SMTPRecipientRefused]) -> str:
    return f"{refusals[0].code} {refusals[0].message}" if refusals else "no answer"
