"""Domain events of update requests."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class UpdateRequestChanged(DomainEvent):
    """An update request was made, answered, cancelled, or went overdue (`happened`)."""

    request_id: int
    project_id: int
    happened: str  # "requested", "answered", "cancelled" or "overdue"


@dataclass(frozen=True)
class UpdateRequestReminderDue(DomainEvent):
    """An open update request is due tomorrow: its recipient is reminded once."""

    request_id: int
    project_id: int
