"""A small world for project tests: two clients, PMO staff, an assigned and an unassigned subcontractor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role, User
from api.auth.principal import Principal
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import (
    Assignment,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    Risk,
    Visibility,
)
from tests.fixtures.factories import (
    assign,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_user,
)
from tests.fixtures.graphql import (  # noqa: F401 - used by this package's tests
    count_rows,
    counted_statements,
    global_id,
    principal,
)


@dataclass
class World:
    alpha: Organization
    beta: Organization
    manager: User
    staff: Principal
    alpha_executive: Principal
    alpha_contact: Principal
    beta_contact: Principal
    subcontractor: Principal
    idle_subcontractor: Principal
    a1: Project
    a2: Project
    b1: Project
    kickoff: Milestone
    design: Milestone
    build: Milestone
    launch: Milestone
    a2_milestone: Milestone
    b1_milestone: Milestone
    client_risk: Risk
    internal_risk: Risk
    b1_risk: Risk


@pytest.fixture
async def world(session: AsyncSession) -> World:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    manager = await make_user(session, organization=pmo, role=Role.PMO_STAFF, email="dana.reyes@pmo.example",
                              name="Dana Reyes")
    manager.title, manager.phone = "Senior Project Manager", "+1 202 555 0147"
    alpha = await make_client(session, slug="alpha", name="Alpha Agency")
    beta = await make_client(session, slug="beta", name="Beta Bureau")
    executive = await make_user(session, organization=alpha, role=Role.CLIENT_EXECUTIVE)
    subco = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR, name="Harbor Data LLC")
    idle = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    a1 = await make_project(session, client=alpha, code="A-1", financials_shared=True, manager_id=manager.id,
                            budget_at_completion=Decimal("800000.00"), actual_cost=Decimal("200000.00"))
    a2 = await make_project(session, client=alpha, code="A-2", financials_shared=False)
    b1 = await make_project(session, client=beta, code="B-1", financials_shared=True)
    session.add(Assignment(project_id=a1.id, organization_id=pmo.id, user_id=manager.id, role="Project manager"))
    await assign(session, project=a1, organization=subco, role="Data migration")
    done = MilestoneStatus.ACCEPTED
    kickoff = await make_milestone(session, project=a1, name="Kickoff", status=done, percent_complete=100,
                                   baseline_date=date(2026, 2, 1), forecast_date=date(2026, 2, 1))
    design = await make_milestone(session, project=a1, name="Design document", kind=MilestoneKind.DELIVERABLE,
                                  status=MilestoneStatus.SUBMITTED, percent_complete=100,
                                  baseline_date=date(2026, 3, 1), forecast_date=date(2026, 3, 15),
                                  completed_date=date(2026, 3, 14), planned_value=Decimal("120000.00"))
    build = await make_milestone(session, project=a1, name="Build", baseline_date=date(2026, 5, 1),
                                 forecast_date=date(2026, 4, 20))
    launch = await make_milestone(session, project=a1, name="Launch", status=MilestoneStatus.NOT_STARTED,
                                  percent_complete=0, baseline_date=date(2026, 9, 1), forecast_date=date(2026, 9, 1))
    return World(
        alpha=alpha, beta=beta, manager=manager,
        staff=principal(pmo.id, Role.PMO_STAFF, manager.id),
        alpha_executive=principal(alpha.id, Role.CLIENT_EXECUTIVE, executive.id),
        alpha_contact=principal(alpha.id, Role.CLIENT_CONTACT),
        beta_contact=principal(beta.id, Role.CLIENT_CONTACT),
        subcontractor=principal(subco.id, Role.SUBCONTRACTOR),
        idle_subcontractor=principal(idle.id, Role.SUBCONTRACTOR),
        a1=a1, a2=a2, b1=b1, kickoff=kickoff, design=design, build=build, launch=launch,
        a2_milestone=await make_milestone(session, project=a2, name="A-2 pilot"),
        b1_milestone=await make_milestone(session, project=b1, name="B-1 pilot", status=MilestoneStatus.SUBMITTED,
                                          percent_complete=100),
        client_risk=await make_risk(session, project=a1, title="Data quality", probability=4, impact=4),
        internal_risk=await make_risk(session, project=a1, title="Staff turnover", visibility=Visibility.INTERNAL,
                                      raised_on=date(2026, 3, 1)),
        b1_risk=await make_risk(session, project=b1, title="Beta vendor delay"),
    )
