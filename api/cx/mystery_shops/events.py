"""Domain events of mystery shops."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class MysteryShopRecorded(DomainEvent):
    """A mystery shop of a touchpoint was recorded."""

    mystery_shop_id: int
