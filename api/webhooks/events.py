"""Domain events of webhooks."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class WebhookEndpointFailing(DomainEvent):
    """An endpoint keeps failing (`disabled` False: still retried) or was disabled for it; its owner is told."""

    endpoint_id: int
    disabled: bool
    error: str

