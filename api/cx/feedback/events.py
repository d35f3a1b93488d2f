"""Domain events of feedback."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class FeedbackReceived(DomainEvent):
    """A client's person answered a survey or the PMO recorded their feedback."""

    feedback_id: int
    project_id: int | None
    touchpoint: str
    channel: str
