"""Keyset pagination over SQLAlchemy selects: cursors encode the sort key, never an offset."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, TypeDecorator, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

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
        for name, cursor in (("after", self.after), ("before", self.before)):
            if cursor is not None:
                cursor_values(cursor, field=name)

    @property
    def size(self) -> int:
        return self.first if self.first is not None else self.last  # type: ignore[return-value]

    @property
    def forward(self) -> bool:
        return self.first is not None


@dataclass
class Page(Generic[T]):
    """One page of rows, with their cursors, what lies on either side, and how to count them all."""

    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    count: Callable[[], Awaitable[int]]

    async def total_count(self) -> int:
        """How many rows the unpaged list holds (queried only when asked for)."""
        return await self.count()


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for one row's sort-key values."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def cursor_values(cursor: str, *, field: str) -> list[Any]:
    """The raw values inside a cursor of any connection, or InvalidInput when it cannot be one."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise InvalidInput(f"`{field}` is not a cursor of this connection", field=field) from exc
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str | int | float) for v in raw):
        raise InvalidInput(f"`{field}` is not a cursor of this connection", field=field)
    return raw


def decode_cursor(cursor: str, key: Sequence[InstrumentedAttribute[Any]], *, field: str) -> list[Any]:
    """The sort-key values behind `cursor`, typed like the key columns."""
    raw = cursor_values(cursor, field=field)
    try:
        if len(raw) != len(key):
            raise ValueError("wrong shape")
        return [_typed(value, column) for value, column in zip(raw, key, strict=True)]
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"`{field}` is not a cursor of this connection", field=field) from exc


def _typed(value: Any, column: InstrumentedAttribute[Any]) -> Any:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):  # such as UTCDateTime, whose own python_type is `object`
        column_type = column_type.impl_instance
    python_type = column_type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if not isinstance(value, python_type):
        raise TypeError(f"cursor value {value!r} is not {python_type.__name__}")
    return value


def _keyset_window(statement: Select[Any], key: Sequence[InstrumentedAttribute[Any]], page: PageRequest,
                   descending: bool) -> Select[Any]:
    key_tuple = tuple_(*key)
    if page.after is not None:
        after = tuple_(*decode_cursor(page.after, key, field="after"))
        statement = statement.where(key_tuple < after if descending else key_tuple > after)
    if page.before is not None:
        before = tuple_(*decode_cursor(page.before, key, field="before"))
        statement = statement.where(key_tuple > before if descending else key_tuple < before)
    return statement


def _order(key: Sequence[Any], page: PageRequest, descending: bool) -> list[ColumnElement[Any]]:
    # A backward page reads the list from its far end, then _page restores the list's own order.
    return list(key) if page.forward != descending else [column.desc() for column in key]


def _page(rows: list[Any], key: Sequence[InstrumentedAttribute[Any]], page: PageRequest,
          count: Callable[[], Awaitable[int]]) -> Page[Any]:
    has_more = len(rows) > page.size
    rows = rows[: page.size]
    if not page.forward:
        rows.reverse()
    return Page(
        items=rows,
        cursors=[encode_cursor([getattr(row, column.key) for column in key]) for row in rows],
        has_next_page=has_more if page.forward else page.before is not None,
        has_previous_page=has_more if not page.forward else page.after is not None,
        count=count,
    )


async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    *,
    key: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
    descending: bool = False,
) -> Page[Any]:
    """Run `statement` (one entity per row) for one keyset page ordered by `key`, ascending unless `descending`."""

    async def count() -> int:
        return await session.scalar(select(func.count()).select_from(statement.subquery())) or 0

    windowed = _keyset_window(statement, key, page, descending).order_by(*_order(key, page, descending))
    windowed = windowed.limit(page.size + 1)
    rows = list((await session.scalars(windowed)).all())
    return _page(rows, key, page, count)


async def paginate_children(
    session: AsyncSession,
    statement: Select[Any],
    *,
    entity: type[Any],
    parent: InstrumentedAttribute[Any],
    parent_ids: Sequence[Any],
    key: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
    descending: bool = False,
) -> list[Page[Any]]:
    """One keyset page per parent in a single query (a window per parent), in `parent_ids` order.

    Counting is one grouped query for every parent of the batch, run the first time any page is asked.
    """
    scoped = statement.where(parent.in_(parent_ids))
    order = _order(key, page, descending)
    position = func.row_number().over(partition_by=parent, order_by=order).label("rapport_position")
    ranked = _keyset_window(scoped, key, page, descending).add_columns(position).subquery()
    row = aliased(entity, ranked)
    ordered = [getattr(row, column.key) for column in key]
    result = await session.scalars(
        select(row).where(ranked.c.rapport_position <= page.size + 1).order_by(
            getattr(row, parent.key), *_order(ordered, page, descending)
        )
    )
    by_parent: dict[Any, list[Any]] = {parent_id: [] for parent_id in parent_ids}
    for item in result:
        by_parent[getattr(item, parent.key)].append(item)
    counts = _GroupedCount(session, scoped, parent)
    return [_page(by_parent[parent_id], key, page, counts.counter(parent_id)) for parent_id in parent_ids]


class _GroupedCount:
    """Counts rows per parent with one GROUP BY, shared by every page of a batch."""

    def __init__(self, session: AsyncSession, statement: Select[Any], parent: InstrumentedAttribute[Any]) -> None:
        self._session, self._statement, self._parent = session, statement, parent
        self._task: asyncio.Future[dict[Any, int]] | None = None

    def counter(self, parent_id: Any) -> Callable[[], Awaitable[int]]:
        async def count() -> int:
            if self._task is None:
                self._task = asyncio.ensure_future(self._load())
            return (await self._task).get(parent_id, 0)

        return count

    async def _load(self) -> dict[Any, int]:
        rows = self._statement.subquery()
        column = rows.c[self._parent.key]
        result = await self._session.execute(select(column, func.count()).group_by(column))
        return {parent_id: total for parent_id, total in result}
