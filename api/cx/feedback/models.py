"""Feedback: one client response at a touchpoint."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.cx.models import Touchpoint
from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class FeedbackChannel(enum.Enum):
    SURVEY_LINK = "SURVEY_LINK"
    SITE_LINK = "SITE_LINK"
    API = "API"
    INTERVIEW = "INTERVIEW"


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
