"""Domain events of delivery."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class WeeklyDigestDue(DomainEvent):
    """Monday 08:00 came in the client's time zone: the digest of the week [since, until) is owed (UTC, ISO 8601)."""

    since: str
    until: str
