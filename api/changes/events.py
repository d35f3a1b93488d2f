"""Domain events: what happened, recorded by services in the unit of work and reacted to only after commit.

A service records an event with `record_event`; the event becomes an outbox row in the same transaction, so a
commit keeps it and a rollback drops it. Services import no other domain to react: api.flows decides what
follows each kind of event.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from api.changes.models import OutboxEvent
from api.kit.columns import utcnow

_KINDS: dict[str, type[DomainEvent]] = {}


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Something that happened to one client's work; subclasses add their fields (ints, strings, bools)."""

    kind: ClassVar[str]
    client_id: int | None
    actor_user_id: int | None
    # The outbox row's id once committed (event_of sets it): what reactions key their effects by.
    event_id: int | None = dataclasses.field(default=None, kw_only=True, compare=False)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.kind = cls.__name__
        _KINDS[cls.kind] = cls

    def payload(self) -> dict[str, Any]:
        return {name: value for name, value in dataclasses.asdict(self).items()
                if name not in ("client_id", "actor_user_id", "event_id")}


def record_event(session: AsyncSession, event: DomainEvent, *, occurred_at: datetime | None = None) -> None:
    """Add the event to the unit of work; it is written with the next flush and kept only if the work commits."""
    session.add(OutboxEvent(kind=event.kind, client_id=event.client_id, actor_user_id=event.actor_user_id,
                            payload=event.payload(), occurred_at=occurred_at or utcnow()))


def event_of(row: OutboxEvent) -> DomainEvent | None:
    """The typed event an outbox row holds; None for a kind no event class declares (one retired since)."""
    cls = _KINDS.get(row.kind)
    if cls is None:
        return None
    return cls(client_id=row.client_id, actor_user_id=row.actor_user_id, event_id=row.id,  # type: ignore[arg-type]
               **row.payload)


@dataclasses.dataclass(frozen=True)
class ClientDataChanged(DomainEvent):
    """Committed changes moved these clients' data versions on (written by api.changes.tracking, never a service)."""

    client_ids: list[int]
