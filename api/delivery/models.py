"""Delivery: one message to one recipient about one event, and how its sending went."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class DeliveryChannel(enum.Enum):
    EMAIL = "EMAIL"
    WEBHOOK = "WEBHOOK"


class DeliveryState(enum.Enum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    SUPPRESSED = "SUPPRESSED"


class NoticeKind(enum.Enum):
    REPORT_PUBLISHED = "REPORT_PUBLISHED"
    MILESTONE_SUBMITTED = "MILESTONE_SUBMITTED"
    ACCEPTANCE_SURVEY = "ACCEPTANCE_SURVEY"
    CLOSEOUT_SURVEY = "CLOSEOUT_SURVEY"
    WEEKLY_DIGEST = "WEEKLY_DIGEST"
    WEBHOOK_FAILING = "WEBHOOK_FAILING"
    COMMENT_MENTION = "COMMENT_MENTION"
    UPDATE_REQUEST = "UPDATE_REQUEST"
    UPDATE_REMINDER = "UPDATE_REMINDER"
    WEBHOOK = "WEBHOOK"


class ReportNotices(enum.Enum):
    EACH = "EACH"
    WEEKLY_DIGEST = "WEEKLY_DIGEST"
    OFF = "OFF"


class DecisionNotices(enum.Enum):
    ON = "ON"
    OFF = "OFF"


class NotificationPreference(Base):
    """What one person wants to receive about one client's work; without a row, the defaults (EACH, ON)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    report_notices: Mapped[ReportNotices] = mapped_column(enum_column(ReportNotices), default=ReportNotices.EACH)
    decision_notices: Mapped[DecisionNotices] = mapped_column(enum_column(DecisionNotices),
                                                              default=DecisionNotices.ON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Delivery(Base):
    """A message owed to a recipient (a person, or a webhook endpoint) because of an event: sent at least once,
    recorded once, never made twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("event_id", "channel", "recipient_id"),
                      UniqueConstraint("event_id", "endpoint_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True)
    channel: Mapped[DeliveryChannel] = mapped_column(enum_column(DeliveryChannel))
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind))
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    # A person for mail, an endpoint for webhooks.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
                                                    index=True)
    address: Mapped[str] = mapped_column(String(2048))
    # A webhook's `type`, and its body as first composed: every attempt sends the same bytes.
    event_type: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str | None] = mapped_column(Text)
    # The survey invitation this message carries, when the event asked the recipient for feedback.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id", ondelete="SET NULL"))
    state: Mapped[DeliveryState] = mapped_column(enum_column(DeliveryState), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
