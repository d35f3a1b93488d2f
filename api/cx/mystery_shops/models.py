"""MysteryShop: an internal, scored audit of one touchpoint."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.cx.models import Touchpoint
from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


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
