"""Organization: the tenant unit (a PMO, a client or a subcontractor)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.kit.columns import UTCDateTime, enum_column, utcnow
from api.kit.database import Base


class OrganizationKind(enum.Enum):
    PMO = "PMO"
    CLIENT = "CLIENT"
    SUBCONTRACTOR = "SUBCONTRACTOR"


class ClientSector(enum.Enum):
    FEDERAL = "FEDERAL"
    STATE_LOCAL = "STATE_LOCAL"
    ENTERPRISE = "ENTERPRISE"
    NONPROFIT = "NONPROFIT"


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganizationKind] = mapped_column(enum_column(OrganizationKind), index=True)
    sector: Mapped[ClientSector | None] = mapped_column(enum_column(ClientSector))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
