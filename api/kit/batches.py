"""Batch lookups answered in the order asked, as a DataLoader expects."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def in_order(rows: Iterable[T], keys: Sequence[Hashable], *, by: str = "id") -> list[T | None]:
    """`rows` in the order of `keys`, matched on their `by` attribute; None where no row has that key."""
    found = {getattr(row, by): row for row in rows}
    return [found.get(key) for key in keys]
