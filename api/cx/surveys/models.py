"""SurveyInvitation: a signed, expiring, limited-use survey link."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.cx.models import Touchpoint
from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class InvitationTrigger(enum.Enum):
    MANUAL = "MANUAL"
    EVENT = "EVENT"
    SITE = "SITE"


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
