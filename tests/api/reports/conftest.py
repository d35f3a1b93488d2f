"""A small world for report tests: two clients, a subcontractor, PMO staff, published and draft reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Principal
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import Project
from api.reports.models import ReportState, StatusReport
from tests.fixtures.factories import (
    assign,
    make_client,
    make_organization,
    make_project,
    make_status_report,
    make_user,
)
from tests.fixtures.graphql import counted_statements, global_id, principal  # noqa: F401 - used by this package's tests


@dataclass
class World:
    alpha: Organization
    beta: Organization
    staff: Principal
    alpha_contact: Principal
    beta_contact: Principal
    subcontractor: Principal
    a1: Project
    b1: Project
    january: StatusReport
    february: StatusReport
    march_draft: StatusReport
    beta_report: StatusReport


@pytest.fixture
async def world(session: AsyncSession) -> World:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    staff_user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
    alpha = await make_client(session, slug="alpha", name="Alpha Agency")
    beta = await make_client(session, slug="beta", name="Beta Bureau")
    subco = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    a1 = await make_project(session, client=alpha, code="A-1")
    b1 = await make_project(session, client=beta, code="B-1")
    await assign(session, project=a1, organization=subco)
    published = ReportState.PUBLISHED
    january = await make_status_report(session, project=a1, state=published, title="January",
                                       period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    february = await make_status_report(session, project=a1, state=published, title="February",
                                        period_start=date(2026, 2, 1), period_end=date(2026, 2, 28))
    march_draft = await make_status_report(session, project=a1, title="March draft",
                                           period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
    beta_report = await make_status_report(session, project=b1, state=published, title="Beta February",
                                           period_start=date(2026, 2, 1), period_end=date(2026, 2, 28))
    return World(
        alpha=alpha, beta=beta,
        staff=principal(pmo.id, Role.PMO_STAFF, staff_user.id),
        alpha_contact=principal(alpha.id, Role.CLIENT_CONTACT),
        beta_contact=principal(beta.id, Role.CLIENT_CONTACT),
        subcontractor=principal(subco.id, Role.SUBCONTRACTOR),
        a1=a1, b1=b1, january=january, february=february, march_draft=march_draft, beta_report=beta_report,
    )
