"""Exact per-client data versions, kept by one flush listener, and the outbox event that says they moved.

Every flush maps the rows it wrote to the clients whose visible data they can change (api.changes.scopes) and,
the first time a client is touched in a transaction, moves that client's `client_data_versions` row on and
records a ClientDataChanged event, in the same transaction. A committed version therefore names one committed
state of what the client sees: a reader that finds the version unchanged knows the data is unchanged.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, event, insert, inspect, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

from api.changes.events import ClientDataChanged
from api.changes.models import ClientDataVersion, OutboxEvent
from api.changes.scopes import SCOPES, Touched, touched_by_bulk
from api.organizations.models import Organization, OrganizationKind

BUMPED = "rapport_clients_bumped"  # session.info: the clients this transaction moved on already
RECORDED = "rapport_outbox_written"  # session.info: this transaction wrote outbox events
_waiters: weakref.WeakSet[asyncio.Event] = weakref.WeakSet()


def install_change_tracking() -> None:
    """Listen on every ORM session (once per process)."""
    for name, listener in (("after_flush", _after_flush), ("do_orm_execute", _bulk_change),
                           ("after_commit", _after_commit), ("after_rollback", _forget),
                           ("after_soft_rollback", _forget_soft)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def wake_on_commit(signal: asyncio.Event) -> None:
    """Set `signal` whenever a transaction that wrote outbox events commits in this process."""
    _waiters.add(signal)


def _scope_of(row: object):  # noqa: ANN202
    for cls in type(row).__mro__:
        if cls in SCOPES:
            return SCOPES[cls]
    raise LookupError(f"{type(row).__name__} has no data scope in api.changes.scopes")


def _changed(row: object, shown: frozenset[str] | None) -> bool:
    state = inspect(row)
    return any(state.attrs[attribute.key].history.has_changes() for attribute in state.mapper.column_attrs
               if shown is None or attribute.key in shown)


def _after_flush(session: Session, _context: Any) -> None:
    groups: dict[type, list[object]] = defaultdict(list)
    for row in (*session.new, *session.deleted):
        groups[type(row)].append(row)
    for row in session.dirty:
        if _changed(row, _scope_of(row).shown):
            groups[type(row)].append(row)
    if not groups:
        return
    if OutboxEvent in groups:
        session.info[RECORDED] = True
    connection = session.connection()
    touched = Touched()
    for rows in groups.values():
        touched.add(_scope_of(rows[0]).resolve(connection, rows))
    _move_versions(session, connection, touched)


def _bulk_change(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or not state.all_mappers:
        return
    entity = state.all_mappers[0].class_
    touched = touched_by_bulk(entity, state.execution_options.get("touches_clients"))
    if touched.every or touched.client_ids:
        _move_versions(state.session, state.session.connection(), touched)


def _move_versions(session: Session, connection: Connection, touched: Touched) -> None:
    bumped: set[int] = session.info.setdefault(BUMPED, set())
    if not touched.every and not touched.client_ids - bumped:
        return
    clients = select(Organization.id).where(Organization.kind == OrganizationKind.CLIENT)
    if not touched.every:
        clients = clients.where(Organization.id.in_(touched.client_ids))
    if bumped:
        clients = clients.where(Organization.id.not_in(bumped))
    client_ids = sorted(connection.scalars(clients))
    if not client_ids:
        return
    table = ClientDataVersion.__table__
    upsert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(table)
    connection.execute(
        upsert.from_select(["client_id", "version"],
                           select(Organization.id, literal(1)).where(Organization.id.in_(client_ids)))
        .on_conflict_do_update(index_elements=["client_id"], set_={"version": table.c.version + 1})
    )
    connection.execute(insert(OutboxEvent.__table__).values(
        kind=ClientDataChanged.kind, payload={"client_ids": client_ids},
        client_id=client_ids[0] if len(client_ids) == 1 else None))
    bumped.update(client_ids)
    session.info[RECORDED] = True


def _after_commit(session: Session) -> None:
    session.info.pop(BUMPED, None)
    if session.info.pop(RECORDED, False):
        for signal in list(_waiters):
            signal.set()


def _forget(session: Session) -> None:
    session.info.pop(BUMPED, None)
    session.info.pop(RECORDED, None)


def _forget_soft(session: Session, _previous: Any) -> None:
    # A savepoint rolled back may have taken a version move with it: move again at the next change (twice is
    # harmless, never is not).
    session.info.pop(BUMPED, None)
