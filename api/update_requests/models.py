"""Update requests: who was asked, about which milestones and risks, by when, and how it stands."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column
from api.kit.database import Base


class UpdateRequestState(enum.Enum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    OVERDUE = "OVERDUE"  # past its due date, still unanswered: the link still works until it expires
    CANCELLED = "CANCELLED"


class UpdateRequest(Base):
    """One request for an update, answered once through its signed link."""

    __tablename__ = "update_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[str] = mapped_column(String(64), unique=True)  # the link's jti: the link is made from it
    requester_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    state: Mapped[UpdateRequestState] = mapped_column(enum_column(UpdateRequestState), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UpdateRequestItem(Base):
    """One milestone or risk a request asks about (exactly one of the two is set)."""

    __tablename__ = "update_request_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("update_requests.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    risk_id: Mapped[int | None] = mapped_column(ForeignKey("risks.id", ondelete="CASCADE"))
