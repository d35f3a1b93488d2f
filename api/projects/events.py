"""Domain events the projects domain raises, returned to callers for follow-up work.

A milestone accepted by the client and a project closed are moments to ask the client how we did
(survey invitations) and to refresh their microsite; the caller that commits decides what to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from api.projects.models import MilestoneKind

T = TypeVar("T")


@dataclass(frozen=True)
class MilestoneAccepted:
    """A milestone or deliverable became ACCEPTED."""

    milestone_id: int
    project_id: int
    client_id: int
    kind: MilestoneKind
    accepted_by_user_id: int | None


@dataclass(frozen=True)
class ProjectClosed:
    """A project became CLOSED."""

    project_id: int
    client_id: int


ProjectEvent = MilestoneAccepted | ProjectClosed


@dataclass(frozen=True)
class Changed(Generic[T]):
    """An object a service changed, with the domain events the change raised."""

    item: T
    events: tuple[ProjectEvent, ...] = ()
