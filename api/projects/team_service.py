"""The people and organizations on a project: its assignments and its manager."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import User
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.kit.pagination import Page, PageRequest, paginate_children
from api.organizations.models import Organization
from api.projects.models import Assignment

ASSIGNMENT_ORDER = [Assignment.id]


async def assignment_pages_by_project(
    session: AsyncSession, *, principal: Principal, project_ids: Sequence[int], page: PageRequest
) -> list[Page[Assignment]]:
    """One page of visible assignments per project, in the order they were made, in one query for all of them."""
    return await paginate_children(session, scoped(select(Assignment), Assignment, principal), entity=Assignment,
                                   parent=Assignment.project_id, parent_ids=project_ids, key=ASSIGNMENT_ORDER,
                                   page=page)


async def people_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[User | None]:
    """Users for `ids` in order (managers and assignees of projects the caller already sees)."""
    rows = await session.scalars(select(User).where(User.id.in_(ids)))
    found = {user.id: user for user in rows}
    return [found.get(user_id) for user_id in ids]


async def organizations_by_ids(session: AsyncSession, *, principal: Principal,
                               ids: Sequence[int]) -> list[Organization | None]:
    """Organizations for `ids` in order; None where missing or not visible to the principal."""
    rows = await session.scalars(scoped(select(Organization), Organization, principal).where(Organization.id.in_(ids)))
    found = {organization.id: organization for organization in rows}
    return [found.get(organization_id) for organization_id in ids]
