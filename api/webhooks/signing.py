"""Standard Webhooks signing: `whsec_` secrets, the three headers, and ids that stay the same on every retry."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def webhook_id(*, event_id: int, endpoint_id: int) -> str:
    """The `webhook-id` of the one request an event owes an endpoint: kept on every retry and redelivery, so
    receivers can drop a request they already handled."""
    return f"msg_rapport_e{event_id}_w{endpoint_id}"


def signature_header(signing_secrets: Sequence[str], *, message_id: str, timestamp: datetime, body: str) -> str:
    """`webhook-signature`: one `v1,<signature>` per secret in use (two during a rotation), space-separated."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in signing_secrets)


def request_headers(signing_secrets: Sequence[str], *, message_id: str, timestamp: datetime,
                    body: str) -> dict[str, str]:
    """The headers every webhook request carries."""
    return {
        "content-type": "application/json",
        "user-agent": "Rapport-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature_header(signing_secrets, message_id=message_id, timestamp=timestamp, body=body),
    }
