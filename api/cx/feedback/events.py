"""Domain events of the CX loop: feedback, action items ("You said, we did") and mystery shops."""

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


@dataclass(frozen=True)
class ActionItemChanged(DomainEvent):
    """An action item was opened or changed; `client_visible` says whether the client sees it."""

    action_item_id: int
    created: bool
    status: str
    client_visible: bool
    fields: list[str]


@dataclass(frozen=True)
class MysteryShopRecorded(DomainEvent):
    """A mystery shop of a touchpoint was recorded."""

    mystery_shop_id: int
