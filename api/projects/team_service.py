"""The people and organizations on a project: its assignments and its manager."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, User
from api.auth.principal import PMO_ROLES, Principal
from api.auth.scoping import scoped
from api.kit.batches import in_order
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


@dataclass(frozen=True)
class TeamMember:
    """A person on a project, and whether they are PMO staff (whose work contact details clients may have)."""

    user: User
    pmo_staff: bool

    @property
    def id(self) -> int:
        return self.user.id


async def people_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[TeamMember | None]:
    """People for `ids` in order (managers and assignees of projects the caller already sees)."""
    pmo_staff = exists().where(Membership.user_id == User.id, Membership.role.in_(PMO_ROLES))
    rows = await session.execute(select(User, pmo_staff).where(User.id.in_(ids)))
    return in_order((TeamMember(user=user, pmo_staff=staff) for user, staff in rows), ids)


async def organizations_by_ids(session: AsyncSession, *, principal: Principal,
                               ids: Sequence[int]) -> list[Organization | None]:
    """Organizations for `ids` in order; None where missing or not visible to the principal."""
    rows = await session.scalars(scoped(select(Organization), Organization, principal).where(Organization.id.in_(ids)))
    return in_order(rows, ids)
