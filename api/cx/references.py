"""What a CX record points at: its client, project, report or milestone, and the people named on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import User
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.cx.models import Touchpoint
from api.kit.batches import in_order
from api.kit.errors import InvalidInput, NotFound
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import Milestone, Project
from api.reports.models import StatusReport

S = TypeVar("S", bound=Select[Any])


@dataclass(frozen=True)
class Subject:
    """A record's client, with the project, report or milestone it is about when there is one."""

    client_id: int
    project: Project | None = None
    report_id: int | None = None
    milestone_id: int | None = None


async def subject_of(
    session: AsyncSession,
    *,
    principal: Principal,
    client_id: int,
    project_id: int | None = None,
    report_id: int | None = None,
    milestone_id: int | None = None,
) -> Subject:
    """The visible client, project and report or milestone named, which must all belong together.

    Anything not visible, or belonging to another client or project, is NotFound, like a missing id.
    The project may be left out when a report or milestone names it.
    """
    if report_id is not None and milestone_id is not None:
        raise InvalidInput("a record is about a report or a milestone, not both", field="milestoneId")
    client = await session.scalar(scoped(
        select(Organization.id).where(Organization.id == client_id, Organization.kind == OrganizationKind.CLIENT),
        Organization, principal))
    if client is None:
        raise NotFound("no such client", field="clientId")
    if report_id is not None:
        project_id = await _subject_project(session, principal, StatusReport, report_id, project_id, "reportId")
    if milestone_id is not None:
        project_id = await _subject_project(session, principal, Milestone, milestone_id, project_id, "milestoneId")
    project = None
    if project_id is not None:
        project = await session.scalar(scoped(select(Project).where(Project.id == project_id), Project, principal))
        if project is None or project.client_id != client_id:
            raise NotFound("no such project for this client", field="projectId")
    return Subject(client_id=client_id, project=project, report_id=report_id, milestone_id=milestone_id)


async def _subject_project(session: AsyncSession, principal: Principal, entity: type[StatusReport | Milestone],
                           subject_id: int, project_id: int | None, field: str) -> int:
    owner = await session.scalar(scoped(select(entity.project_id).where(entity.id == subject_id), entity, principal))
    if owner is None or (project_id is not None and owner != project_id):
        raise NotFound(f"no such {'report' if entity is StatusReport else 'milestone'} for this project", field=field)
    return owner


async def people_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[User | None]:
    """Users for `ids` in order; None where missing."""
    rows = await session.scalars(select(User).where(User.id.in_(ids)))
    return in_order(rows, ids)


def narrowed(statement: S, entity: type[Any], *, client_id: int | None, project_id: int | None,
             touchpoint: Touchpoint | None) -> S:
    """`statement` over a CX record (feedback, invitation, mystery shop) narrowed to the filters given."""
    for column, value in ((entity.client_id, client_id), (entity.project_id, project_id),
                          (entity.touchpoint, touchpoint)):
        if value is not None:
            statement = statement.where(column == value)
    return statement
