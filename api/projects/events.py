"""Domain events of projects, milestones and risks, recorded in the unit of work (api.changes.events)."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class ProjectChanged(DomainEvent):
    """A project was created or changed; `fields` names what changed."""

    project_id: int
    created: bool
    fields: list[str]


@dataclass(frozen=True)
class ProjectClosed(DomainEvent):
    """A project became CLOSED: the moment to ask the client how the whole project went."""

    project_id: int


@dataclass(frozen=True)
class MilestoneChanged(DomainEvent):
    """A milestone was planned or its plan changed (name, dates, planned value)."""

    milestone_id: int
    project_id: int
    created: bool
    fields: list[str]


@dataclass(frozen=True)
class MilestoneProgressReported(DomainEvent):
    """Someone reported progress on a milestone: its percent complete, forecast or status moved."""

    milestone_id: int
    project_id: int
    percent_complete: int
    status: str


@dataclass(frozen=True)
class MilestoneSubmitted(DomainEvent):
    """A milestone or deliverable went to the client for acceptance."""

    milestone_id: int
    project_id: int
    milestone_kind: str


@dataclass(frozen=True)
class MilestoneDecided(DomainEvent):
    """The client accepted or rejected a submitted milestone or deliverable."""

    milestone_id: int
    project_id: int
    milestone_kind: str
    decision: str


@dataclass(frozen=True)
class RiskChanged(DomainEvent):
    """A risk or issue was added or changed; `visibility` is where it stands now."""

    risk_id: int
    project_id: int
    created: bool
    visibility: str
    fields: list[str]
