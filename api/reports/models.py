"""StatusReport: a periodic report, frozen once published."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base
from api.projects.models import Health, Project


class ReportCadence(enum.Enum):
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


class ReportState(enum.Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"


class StatusReport(Base):
    __tablename__ = "status_reports"
    __table_args__ = (CheckConstraint("period_start <= period_end", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    cadence: Mapped[ReportCadence] = mapped_column(enum_column(ReportCadence))
    state: Mapped[ReportState] = mapped_column(enum_column(ReportState), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    accomplishments: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    issues: Mapped[str] = mapped_column(Text, default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    health_overall: Mapped[Health | None] = mapped_column(enum_column(Health))
    health_schedule: Mapped[Health | None] = mapped_column(enum_column(Health))
    health_cost: Mapped[Health | None] = mapped_column(enum_column(Health))
    health_scope: Mapped[Health | None] = mapped_column(enum_column(Health))
    health_quality: Mapped[Health | None] = mapped_column(enum_column(Health))
    percent_complete: Mapped[int | None] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("status_reports.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(lazy="raise")
