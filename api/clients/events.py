"""Domain events of client organizations."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class ClientChanged(DomainEvent):
    """A client was added or changed; `fields` names what changed."""

    created: bool
    fields: list[str]
