"""Domain events of action items ("You said, we did")."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class ActionItemChanged(DomainEvent):
    """An action item was opened or changed; `client_visible` says whether the client sees it."""

    action_item_id: int
    created: bool
    status: str
    client_visible: bool
    fields: list[str]
