"""Site (a client's microsite settings) and SiteBuild (one build-and-publish)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class SiteAccessMode(enum.Enum):
    SECRET_LINK = "SECRET_LINK"
    CDN_PROTECTED = "CDN_PROTECTED"


class BuildTrigger(enum.Enum):
    SCHEDULE = "SCHEDULE"
    MANUAL = "MANUAL"
    EVENT = "EVENT"


class BuildState(enum.Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    PUBLISHED = "PUBLISHED"
    UNCHANGED = "UNCHANGED"
    FAILED = "FAILED"


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    site_key: Mapped[str] = mapped_column(String(64), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    access_mode: Mapped[SiteAccessMode] = mapped_column(enum_column(SiteAccessMode), default=SiteAccessMode.SECRET_LINK)
    schedule: Mapped[str] = mapped_column(String(120), default="0 6 * * 1-5")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    brand_name: Mapped[str | None] = mapped_column(String(200))
    accent_color: Mapped[str] = mapped_column(String(7), default="#1f5f8b")
    logo_url: Mapped[str | None] = mapped_column(String(500))
    published_key: Mapped[str | None] = mapped_column(String(64))
    published_input_hash: Mapped[str | None] = mapped_column(String(64))
    # The build key of what is live (data version, settings, generator, local date): equal means nothing to do.
    published_build_key: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_build_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SiteBuild(Base):
    __tablename__ = "site_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    trigger: Mapped[BuildTrigger] = mapped_column(enum_column(BuildTrigger))
    state: Mapped[BuildState] = mapped_column(enum_column(BuildState), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    target: Mapped[str] = mapped_column(String(500), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who carries out a running build, and until when: the owner renews the lease while it works, and a build
    # whose lease ran out (its process was killed or hangs) is taken back and tried again.
    lease_owner: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    input_hash: Mapped[str | None] = mapped_column(String(64))
    files_uploaded: Mapped[int] = mapped_column(Integer, default=0)
    files_deleted: Mapped[int] = mapped_column(Integer, default=0)
    files_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    bytes_uploaded: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
