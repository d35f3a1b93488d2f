"""Keyset pagination over SQLAlchemy selects: cursors encode the sort key, never an offset."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from api.kit.errors import InvalidInput

T = TypeVar("T")
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageRequest:
    """A Relay page request: exactly one of `first` and `last`, 1 to MAX_PAGE_SIZE."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        if self.first is None and self.last is None:
            raise InvalidInput("pass `first` or `last` to page through this connection", field="first")
        if self.first is not None and self.last is not None:
            raise InvalidInput("pass either `first` or `last`, not both", field="last")
        size, name = (self.first, "first") if self.first is not None else (self.last, "last")
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise InvalidInput(f"`{name}` must be between 1 and {MAX_PAGE_SIZE}", field=name)

    @property
    def size(self) -> int:
        return self.first if self.first is not None else self.last  # type: ignore[return-value]

    @property
    def forward(self) -> bool:
        return self.first is not None


@dataclass
class Page(Generic[T]):
    """One page of rows, with their cursors and what lies on either side."""

    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    count_statement: Select[Any]

    async def total_count(self, session: AsyncSession) -> int:
        """How many rows the unpaged statement matches."""
        return await session.scalar(select(func.count()).select_from(self.count_statement.subquery())) or 0


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for one row's sort-key values."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, key: Sequence[InstrumentedAttribute[Any]], *, field: str) -> list[Any]:
    """The sort-key values behind `cursor`, typed like the key columns."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(raw, list) or len(raw) != len(key):
            raise ValueError("wrong shape")
        return [_typed(value, column) for value, column in zip(raw, key, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(f"`{field}` is not a cursor of this connection", field=field) from exc


def _typed(value: Any, column: InstrumentedAttribute[Any]) -> Any:
    python_type = column.type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if not isinstance(value, python_type):
        raise TypeError(f"cursor value {value!r} is not {python_type.__name__}")
    return value


async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    *,
    key: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
) -> Page[Any]:
    """Run `statement` (one entity per row) for one keyset page ordered by `key` ascending."""
    count_statement = statement
    key_tuple = tuple_(*key)
    if page.after is not None:
        statement = statement.where(key_tuple > tuple_(*decode_cursor(page.after, key, field="after")))
    if page.before is not None:
        statement = statement.where(key_tuple < tuple_(*decode_cursor(page.before, key, field="before")))
    order = list(key) if page.forward else [column.desc() for column in key]
    rows = list((await session.scalars(statement.order_by(*order).limit(page.size + 1))).all())
    has_more = len(rows) > page.size
    rows = rows[: page.size]
    if not page.forward:
        rows.reverse()
    cursors = [encode_cursor([getattr(row, column.key) for column in key]) for row in rows]
    return Page(
        items=rows,
        cursors=cursors,
        has_next_page=has_more if page.forward else page.before is not None,
        has_previous_page=has_more if not page.forward else page.after is not None,
        count_statement=count_statement,
    )
