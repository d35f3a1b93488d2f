"""Activity: one thing that happened on a project, for one audience."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column
from api.kit.database import Base


class Audience(enum.Enum):
    """Who sees it: CLIENT the client, PMO staff and the project's assigned subcontractors; TEAM PMO staff and
    assigned subcontractors; PMO staff only."""

    CLIENT = "CLIENT"
    TEAM = "TEAM"
    PMO = "PMO"


class Activity(Base):
    """An event someone should see, summed up in a line: made once per event by a reaction, never by a service."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_project_newest", "project_id", "occurred_at", "id"),
                      Index("ix_activities_client_newest", "client_id", "occurred_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_type: Mapped[str] = mapped_column(String(40))  # the GraphQL type of what it is about
    subject_id: Mapped[int] = mapped_column()
    summary: Mapped[str] = mapped_column(Text)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
