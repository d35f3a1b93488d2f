"""Two clients with their people, a PMO with its staff, and helpers for CX tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role, User
from api.auth.principal import Grant, Principal
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import Project
from tests.fixtures.factories import (
    make_client,
    make_organization,
    make_project,
    make_user,
)
from tests.fixtures.graphql import count_rows, unbind  # noqa: F401 - used by this package's tests
from tests.fixtures.graphql import counted_statements as counting_statements  # noqa: F401
from tests.fixtures.graphql import global_id as gid  # noqa: F401


@dataclass
class World:
    alpha: Organization
    beta: Organization
    alpha_project: Project
    beta_project: Project
    manager: User
    alpha_person: User
    beta_person: User
    staff: Principal
    alpha_contact: Principal
    beta_contact: Principal
    subcontractor: Principal


def principal_of(user: User | None, organization: Organization, role: Role) -> Principal:
    """A principal holding `role` in `organization`, acting as `user` when given."""
    return Principal(grants=(Grant(organization_id=organization.id, role=role),), user_id=user.id if user else None)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    sub = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    alpha = await make_client(session, slug="alpha", name="Alpha Agency")
    beta = await make_client(session, slug="beta", name="Beta Bureau")
    manager = await make_user(session, organization=pmo, role=Role.PMO_STAFF, email="pm@pmo.example", name="Pat Manager")
    alpha_person = await make_user(session, organization=alpha, role=Role.CLIENT_CONTACT, email="ann@alpha.example",
                                   name="Ann Alpha")
    beta_person = await make_user(session, organization=beta, role=Role.CLIENT_CONTACT, email="ben@beta.example",
                                  name="Ben Beta")
    return World(
        alpha=alpha,
        beta=beta,
        alpha_project=await make_project(session, client=alpha, code="A-1", manager_id=manager.id),
        beta_project=await make_project(session, client=beta, code="B-1", manager_id=manager.id),
        manager=manager,
        alpha_person=alpha_person,
        beta_person=beta_person,
        staff=principal_of(manager, pmo, Role.PMO_STAFF),
        alpha_contact=principal_of(alpha_person, alpha, Role.CLIENT_CONTACT),
        beta_contact=principal_of(beta_person, beta, Role.CLIENT_CONTACT),
        subcontractor=principal_of(None, sub, Role.SUBCONTRACTOR),
    )


