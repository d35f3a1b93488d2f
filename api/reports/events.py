"""Domain events of status reports."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class ReportPublished(DomainEvent):
    """A status report was published (frozen for good): the client's people should receive it."""

    report_id: int
    project_id: int
    amends_id: int | None
