"""Feedback, SurveyInvitation, ActionItem and MysteryShop."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class Touchpoint(enum.Enum):
    KICKOFF = "KICKOFF"
    STATUS_REPORT = "STATUS_REPORT"
    MILESTONE_REVIEW = "MILESTONE_REVIEW"
    DELIVERABLE_ACCEPTANCE = "DELIVERABLE_ACCEPTANCE"
    MEETING = "MEETING"
    SUPPORT = "SUPPORT"
    CLOSEOUT = "CLOSEOUT"
    GENERAL = "GENERAL"


class FeedbackChannel(enum.Enum):
    SURVEY_LINK = "SURVEY_LINK"
    SITE_LINK = "SITE_LINK"
    API = "API"
    INTERVIEW = "INTERVIEW"


class InvitationTrigger(enum.Enum):
    MANUAL = "MANUAL"
    EVENT = "EVENT"
    SITE = "SITE"


class ActionItemStatus(enum.Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    WONT_DO = "WONT_DO"


class Feedback(Base):
    """One response at a touchpoint; at least one of CSAT, NPS and CES is given."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("csat IS NULL OR csat BETWEEN 1 AND 5", name="csat_range"),
        CheckConstraint("nps IS NULL OR nps BETWEEN 0 AND 10", name="nps_range"),
        CheckConstraint("ces IS NULL OR ces BETWEEN 1 AND 7", name="ces_range"),
        CheckConstraint("csat IS NOT NULL OR nps IS NOT NULL OR ces IS NOT NULL", name="some_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    touchpoint: Mapped[Touchpoint] = mapped_column(enum_column(Touchpoint))
    csat: Mapped[int | None] = mapped_column(Integer)
    nps: Mapped[int | None] = mapped_column(Integer)
    ces: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    pain_points: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[FeedbackChannel] = mapped_column(enum_column(FeedbackChannel))
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("status_reports.id", ondelete="SET NULL"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SurveyInvitation(Base):
    """A signed, expiring, limited-use survey link for one touchpoint."""

    __tablename__ = "survey_invitations"
    __table_args__ = (CheckConstraint("uses <= max_uses", name="uses_within_limit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    touchpoint: Mapped[Touchpoint] = mapped_column(enum_column(Touchpoint))
    trigger: Mapped[InvitationTrigger] = mapped_column(enum_column(InvitationTrigger))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("status_reports.id", ondelete="SET NULL"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    token_id: Mapped[str] = mapped_column(String(64), unique=True)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ActionItem(Base):
    """What we did about feedback: the "You said, we did" record."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    you_said: Mapped[str] = mapped_column(Text, default="")
    we_did: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ActionItemStatus] = mapped_column(enum_column(ActionItemStatus))
    client_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MysteryShop(Base):
    """An internal, scored checklist audit of one touchpoint; never shown to clients."""

    __tablename__ = "mystery_shops"
    __table_args__ = (CheckConstraint("score_percent BETWEEN 0 AND 100", name="score_percent_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    touchpoint: Mapped[Touchpoint] = mapped_column(enum_column(Touchpoint))
    conducted_on: Mapped[date] = mapped_column(Date)
    shopper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    score_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
