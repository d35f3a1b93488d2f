"""Reading projects within the caller's tenancy."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.kit.pagination import Page, PageRequest, paginate, paginate_children
from api.projects.models import Health, Project, ProjectStatus

PROJECT_ORDER = [Project.code, Project.id]


async def list_projects(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageRequest,
    client_id: int | None = None,
    status: ProjectStatus | None = None,
    health: Health | None = None,
) -> Page[Project]:
    """Projects the principal may see, by code, with optional filters."""
    statement = _filtered(principal, status=status, health=health)
    if client_id is not None:
        statement = statement.where(Project.client_id == client_id)
    return await paginate(session, statement, key=PROJECT_ORDER, page=page)


async def project_pages_by_client(
    session: AsyncSession,
    *,
    principal: Principal,
    client_ids: Sequence[int],
    page: PageRequest,
    status: ProjectStatus | None = None,
    health: Health | None = None,
) -> list[Page[Project]]:
    """One page of visible projects per client, in one query for all of them."""
    return await paginate_children(
        session,
        _filtered(principal, status=status, health=health),
        entity=Project,
        parent=Project.client_id,
        parent_ids=client_ids,
        key=PROJECT_ORDER,
        page=page,
    )


def _filtered(principal: Principal, *, status: ProjectStatus | None, health: Health | None) -> Select[tuple[Project]]:
    statement = scoped(select(Project), Project, principal)
    if status is not None:
        statement = statement.where(Project.status == status)
    if health is not None:
        statement = statement.where(Project.health_overall == health)
    return statement


async def projects_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[Project | None]:
    """Projects for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(scoped(select(Project), Project, principal).where(Project.id.in_(ids)))
    found = {project.id: project for project in rows}
    return [found.get(project_id) for project_id in ids]
