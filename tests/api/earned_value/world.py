"""Two clients' projects with milestones, progress history and cost entries, and everyone who looks at them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Principal
from api.organizations.models import OrganizationKind
from api.projects.models import ActualCost, Health, MilestoneProgress, MilestoneStatus, Project
from tests.fixtures.factories import assign, make_client, make_milestone, make_organization, make_project
from tests.fixtures.graphql import principal

# Amounts of the project whose financials are not shared: none may reach its client, in any form.
HIDDEN_BUDGET = Decimal("7654321.00")
HIDDEN_COST = Decimal("1234567.89")
CANARY_AMOUNTS = ("7654321", "7,654,321", "1234567", "1,234,567", "3827160", "3,827,160")
AS_OF = date(2026, 4, 1)


@dataclass(frozen=True)
class EvmWorld:
    staff: Principal
    executive: Principal
    subcontractor: Principal
    rival: Principal
    hidden_id: int  # financials not shared
    shared_id: int
    rival_project_id: int
    client_id: int


async def add_project(session: AsyncSession, *, client, code: str, budget: Decimal, shared: bool, cost: Decimal,
                   health_schedule: Health = Health.GREEN) -> int:
    project = await make_project(session, client=client, code=code, start_date=date(2026, 1, 1),
                                 end_date=date(2026, 12, 31), budget_at_completion=budget, financials_shared=shared,
                                 actual_cost=cost, health_schedule=health_schedule)
    first = await make_milestone(session, project=project, planned_value=budget / 2, baseline_date=date(2026, 3, 1),
                                 percent_complete=80, status=MilestoneStatus.IN_PROGRESS)
    second = await make_milestone(session, project=project, planned_value=budget / 2,
                                  baseline_date=date(2026, 6, 1), percent_complete=0,
                                  status=MilestoneStatus.NOT_STARTED)
    session.add_all([
        MilestoneProgress(milestone_id=first.id, project_id=project.id, effective_on=date(2026, 1, 10),
                          percent_complete=30, status=MilestoneStatus.IN_PROGRESS),
        MilestoneProgress(milestone_id=first.id, project_id=project.id, effective_on=date(2026, 3, 20),
                          percent_complete=80, status=MilestoneStatus.IN_PROGRESS),
        MilestoneProgress(milestone_id=second.id, project_id=project.id, effective_on=date(2026, 1, 1),
                          percent_complete=0, status=MilestoneStatus.NOT_STARTED),
        ActualCost(project_id=project.id, period_end=date(2026, 2, 28), amount=cost),
    ])
    await session.flush()
    return project.id


async def make_evm_world(session: AsyncSession) -> EvmWorld:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    client = await make_client(session, slug="harbor", name="Harbor Authority")
    rival = await make_client(session, slug="rival", name="Rival Authority")
    vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    hidden = await add_project(session, client=client, code="HB-1", budget=HIDDEN_BUDGET, shared=False,
                            cost=HIDDEN_COST, health_schedule=Health.RED)
    shared = await add_project(session, client=client, code="HB-2", budget=Decimal("100.00"), shared=True,
                            cost=Decimal("45.00"))
    rival_project = await add_project(session, client=rival, code="RV-1", budget=Decimal("200.00"), shared=True,
                                   cost=Decimal("10.00"))
    await assign(session, project=await session.get(Project, hidden), organization=vendor)
    return EvmWorld(staff=principal(pmo.id, Role.PMO_STAFF), executive=principal(client.id, Role.CLIENT_EXECUTIVE),
                    subcontractor=principal(vendor.id, Role.SUBCONTRACTOR),
                    rival=principal(rival.id, Role.CLIENT_EXECUTIVE), hidden_id=hidden, shared_id=shared,
                    rival_project_id=rival_project, client_id=client.id)
