"""OutboxEvent (a committed domain event), Reaction (one flow's handling of it) and ClientDataVersion."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class OutboxEvent(Base):
    """A domain event, written in the transaction that raised it, so that a commit never loses one."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)  # not a key: the event outlives its client
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set once the event's reactions are recorded; the dispatcher reads the events where it is still empty.
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class ReactionState(enum.Enum):
    PENDING = "PENDING"
    DONE = "DONE"
    FAILED = "FAILED"


class Reaction(Base):
    """One flow's work on one event: done once in effect, retried while it fails, left FAILED for people to see."""

    __tablename__ = "outbox_reactions"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    state: Mapped[ReactionState] = mapped_column(enum_column(ReactionState), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClientDataVersion(Base):
    """A counter of committed changes to what one client may see; it moves with every such transaction."""

    __tablename__ = "client_data_versions"

    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
