"""Per-request DataLoaders for projects, their milestones, risks and people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.organizations.models import Organization
from api.projects import cost_service, milestone_service, risk_service, team_service
from api.projects import service as project_service
from api.projects.models import ActualCost, Milestone, Project, Risk
from api.projects.team_service import TeamMember


class ProjectLoaders:
    """Batches lookups of the projects domain within one request, already scoped to the principal."""

    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def projects(ids: Sequence[int]) -> list[Project | None]:
            return await project_service.projects_by_ids(session, principal=principal, ids=ids)

        async def milestones(ids: Sequence[int]) -> list[Milestone | None]:
            return await milestone_service.milestones_by_ids(session, principal=principal, ids=ids)

        async def next_milestones(project_ids: Sequence[int]) -> list[Milestone | None]:
            return await milestone_service.next_milestones(session, principal=principal, project_ids=project_ids)

        async def risks(ids: Sequence[int]) -> list[Risk | None]:
            return await risk_service.risks_by_ids(session, principal=principal, ids=ids)

        async def people(ids: Sequence[int]) -> list[TeamMember | None]:
            return await team_service.people_by_ids(session, ids=ids)

        async def organizations(ids: Sequence[int]) -> list[Organization | None]:
            return await team_service.organizations_by_ids(session, principal=principal, ids=ids)

        async def actual_costs(ids: Sequence[int]) -> list[tuple[ActualCost, str] | None]:
            return await cost_service.actual_costs_by_ids(session, principal=principal, ids=ids)

        async def superseded(ids: Sequence[int]) -> list[bool]:
            return await cost_service.amended_ids(session, ids=ids)

        self.by_id: DataLoader[int, Project | None] = DataLoader(load_fn=projects)
        self.actual_cost_by_id: DataLoader[int, tuple[ActualCost, str] | None] = DataLoader(load_fn=actual_costs)
        self.actual_cost_superseded: DataLoader[int, bool] = DataLoader(load_fn=superseded)
        self.milestone_by_id: DataLoader[int, Milestone | None] = DataLoader(load_fn=milestones)
        self.next_milestone: DataLoader[int, Milestone | None] = DataLoader(load_fn=next_milestones)
        self.risk_by_id: DataLoader[int, Risk | None] = DataLoader(load_fn=risks)
        self.person_by_id: DataLoader[int, TeamMember | None] = DataLoader(load_fn=people)
        self.organization_by_id: DataLoader[int, Organization | None] = DataLoader(load_fn=organizations)
