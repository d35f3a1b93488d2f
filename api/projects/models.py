"""Project, Assignment, Milestone and Risk."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base
from api.organizations.models import Organization


class ProjectStatus(enum.Enum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    ON_HOLD = "ON_HOLD"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


class ProjectPhase(enum.Enum):
    INITIATION = "INITIATION"
    PLANNING = "PLANNING"
    EXECUTION = "EXECUTION"
    CLOSEOUT = "CLOSEOUT"


class Health(enum.Enum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


class MilestoneKind(enum.Enum):
    MILESTONE = "MILESTONE"
    DELIVERABLE = "DELIVERABLE"


class MilestoneStatus(enum.Enum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class EarningRule(enum.Enum):
    """How a milestone earns its planned value: by its percent complete, half at the start and half on
    acceptance, or all on acceptance."""

    PERCENT_COMPLETE = "PERCENT_COMPLETE"
    FIFTY_FIFTY = "FIFTY_FIFTY"
    ZERO_HUNDRED = "ZERO_HUNDRED"


class RiskKind(enum.Enum):
    RISK = "RISK"
    ISSUE = "ISSUE"


class RiskSeverity(enum.Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class RiskStatus(enum.Enum):
    OPEN = "OPEN"
    MITIGATING = "MITIGATING"
    CLOSED = "CLOSED"


class Visibility(enum.Enum):
    CLIENT = "CLIENT"
    INTERNAL = "INTERNAL"


def _health_column() -> Mapped[Health]:
    return mapped_column(enum_column(Health), default=Health.GREEN)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("client_id", "code"),
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete_range"),
        CheckConstraint("start_date <= end_date", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProjectStatus] = mapped_column(enum_column(ProjectStatus), index=True)
    phase: Mapped[ProjectPhase] = mapped_column(enum_column(ProjectPhase))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    budget_at_completion: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    actual_cost: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    financials_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    health_overall: Mapped[Health] = _health_column()
    health_schedule: Mapped[Health] = _health_column()
    health_cost: Mapped[Health] = _health_column()
    health_scope: Mapped[Health] = _health_column()
    health_quality: Mapped[Health] = _health_column()
    percent_complete: Mapped[int] = mapped_column(Integer, default=0)
    earning_rule: Mapped[EarningRule] = mapped_column(enum_column(EarningRule), default=EarningRule.PERCENT_COMPLETE,
                                                      server_default=EarningRule.PERCENT_COMPLETE.name)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    client: Mapped[Organization] = relationship(lazy="raise")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="project", lazy="raise")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="project", lazy="raise")
    risks: Mapped[list[Risk]] = relationship(back_populates="project", lazy="raise")


class Assignment(Base):
    """Who works on a project: a PMO staff member or a subcontractor organization."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("project_id", "organization_id", "user_id"),
        # NULLs are distinct in a unique constraint, so organization-level assignments need their own index.
        Index(
            "uq_assignments_project_organization_without_user",
            "project_id",
            "organization_id",
            unique=True,
            sqlite_where=text("user_id IS NULL"),
            postgresql_where=text("user_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="assignments", lazy="raise")


class Milestone(Base):
    """A milestone or a deliverable, tracked against its baseline."""

    __tablename__ = "milestones"
    __table_args__ = (CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    baseline_date: Mapped[date] = mapped_column(Date)
    forecast_date: Mapped[date] = mapped_column(Date)
    completed_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[MilestoneStatus] = mapped_column(enum_column(MilestoneStatus))
    planned_value: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    percent_complete: Mapped[int] = mapped_column(Integer, default=0)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="milestones", lazy="raise")


class MilestoneProgress(Base):
    """A milestone's percent complete and status from the day they took effect: earned value as of any past date
    reads the row in effect then (the latest of that day, by id)."""

    __tablename__ = "milestone_progress"
    __table_args__ = (CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete_range"),
                      Index("ix_milestone_progress_milestone_effective", "milestone_id", "effective_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    percent_complete: Mapped[int] = mapped_column(Integer)
    status: Mapped[MilestoneStatus] = mapped_column(enum_column(MilestoneStatus))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActualCost(Base):
    """What a project cost in one period, as the PMO recorded it. An entry is never edited: a correction is a
    new entry that amends it, and only the latest of a chain counts."""

    __tablename__ = "actual_costs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    period_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("actual_costs.id", ondelete="RESTRICT"), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Risk(Base):
    """A risk (may happen) or an issue (has happened)."""

    __tablename__ = "risks"
    __table_args__ = (
        CheckConstraint("probability BETWEEN 1 AND 5", name="probability_range"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RiskKind] = mapped_column(enum_column(RiskKind))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    probability: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    severity: Mapped[RiskSeverity] = mapped_column(enum_column(RiskSeverity))
    owner_name: Mapped[str] = mapped_column(String(200))
    mitigation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RiskStatus] = mapped_column(enum_column(RiskStatus))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility))
    raised_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="risks", lazy="raise")
