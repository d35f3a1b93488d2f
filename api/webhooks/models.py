"""Webhook endpoints: where an integrator wants events sent, which ones, and the secrets that sign them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class WebhookEventType(enum.Enum):
    """The event types an endpoint may ask for; each value is the `type` of the request body."""

    STATUS_REPORT_PUBLISHED = "status_report.published"
    MILESTONE_SUBMITTED = "milestone.submitted"
    MILESTONE_ACCEPTED = "milestone.accepted"
    MILESTONE_REJECTED = "milestone.rejected"
    ACTION_ITEM_DONE = "action_item.done"
    SITE_PUBLISHED = "site.published"
    FEEDBACK_RECEIVED = "feedback.received"


PMO_ONLY_TYPES = frozenset({WebhookEventType.FEEDBACK_RECEIVED})


class EndpointOwner(enum.Enum):
    """Whose endpoint it is, which decides what its requests carry: what PMO staff read, or what the client reads."""

    PMO = "PMO"
    CLIENT = "CLIENT"


class WebhookEndpoint(Base):
    """One integrator's URL and the events it receives: of one client, or of every client (PMO only)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    # None: every client's events (a PMO endpoint).
    client_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    owner: Mapped[EndpointOwner] = mapped_column(enum_column(EndpointOwner))
    owner_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    # Who is told when the endpoint keeps failing: its creator, or the person who issued the creating API token.
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its owner was last told that requests keep failing (at most once a day).
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(Text)


class WebhookSecret(Base):
    """A signing secret of an endpoint; a rotated-out one keeps signing until `expires_at`."""

    __tablename__ = "webhook_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
