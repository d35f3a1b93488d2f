"""Reading projects within the caller's tenancy."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.kit.pagination import Page, PageRequest, paginate
from api.projects.models import Health, Project, ProjectStatus


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
    statement = scoped(select(Project), Project, principal)
    if client_id is not None:
        statement = statement.where(Project.client_id == client_id)
    if status is not None:
        statement = statement.where(Project.status == status)
    if health is not None:
        statement = statement.where(Project.health_overall == health)
    return await paginate(session, statement, key=[Project.code, Project.id], page=page)


async def projects_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[Project | None]:
    """Projects for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(scoped(select(Project), Project, principal).where(Project.id.in_(ids)))
    found = {project.id: project for project in rows}
    return [found.get(project_id) for project_id in ids]
