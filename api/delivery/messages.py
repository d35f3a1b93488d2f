"""RFC 5322 messages: a notice's text and HTML as one multipart/alternative email."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from api.settings import Settings


def build_message(*, settings: Settings, to: str, subject: str, text: str, html: str, message_id: str,
                  date: datetime, unsubscribe: str | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML) marked as sent by a machine, with a
    one-click unsubscribe link (RFC 8058) when `unsubscribe` is given."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
