"""GraphQL types for the people and organizations working on a project."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.types import Info

from api.auth.permissions import sees_internal
from api.auth.principal import Principal
from api.auth.types import OrganizationKind
from api.kit.connections import Connection
from api.kit.pagination import Page, PageRequest
from api.projects import models, team_service


@strawberry.type(description="A person on a project. PMO staff's work email and phone show to everyone on the "
                            "project (they are the client's contacts); other people's show to PMO staff only.")
class Person:
    name: str
    title: str | None
    email: str | None
    phone: str | None

    @classmethod
    def from_model(cls, member: team_service.TeamMember, *, principal: Principal) -> Person:
        """The view of `member` that `principal` may have."""
        user, reachable = member.user, member.pmo_staff or sees_internal(principal)
        return cls(name=user.name, title=user.title, email=user.email if reachable else None,
                   phone=user.phone if reachable else None)


@strawberry.type(description="An organization working on a project.")
class AssignedOrganization:
    name: str
    kind: OrganizationKind


@strawberry.type(description="Who works on a project and in which role: a PMO staff member or a subcontractor.")
class Assignment:
    role: str
    user_id: strawberry.Private[int | None]
    organization_id: strawberry.Private[int]

    @strawberry.field(description="The person assigned; null when a whole organization is.")
    async def person(self, info: Info) -> Person | None:
        return await person(info, user_id=self.user_id)

    @strawberry.field(description="The organization assigned, or the person's; null when the viewer may not see it.")
    async def organization(self, info: Info) -> AssignedOrganization | None:
        row = await info.context.projects.organization_by_id.load(self.organization_id)
        return AssignedOrganization(name=row.name, kind=row.kind) if row else None

    @classmethod
    def from_model(cls, assignment: models.Assignment) -> Assignment:
        """The GraphQL view of an assignment row."""
        return cls(role=assignment.role, user_id=assignment.user_id, organization_id=assignment.organization_id)


async def person(info: Info, *, user_id: int | None) -> Person | None:
    """A project's manager or assignee, batched over the request."""
    if user_id is None:
        return None
    row = await info.context.projects.person_by_id.load(user_id)
    return Person.from_model(row, principal=info.context.principal) if row else None


async def project_assignments(info: Info, *, project_id: int, page: PageRequest) -> Connection[Assignment]:
    """Project.assignments: one page per project, batched over every project the request asks about."""
    context = info.context

    async def batch(project_ids: Sequence[int]) -> list[Page[Any]]:
        return await team_service.assignment_pages_by_project(
            context.session, principal=context.principal, project_ids=project_ids, page=page
        )

    loaded = await context.page_loader("Project.assignments", page, batch).load(project_id)
    return Connection.from_page(loaded, Assignment.from_model)
