"""Mutations on projects, gathered with those on their milestones and risks."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.mutations import UserError, attempt, id_of
from api.projects import service as project_service
from api.projects.cost_mutations import CostMutations
from api.projects.milestone_mutations import MilestoneMutations
from api.projects.risk_mutations import RiskMutations
from api.projects.service import ProjectFields
from api.projects.types import EarningRule, Health, Project, ProjectPhase, ProjectStatus


@strawberry.input(description="Health ratings to set; omitted ones stay as they are (GREEN on a new project).")
class ProjectHealthInput:
    overall: Health | None = None
    schedule: Health | None = None
    cost: Health | None = None
    scope: Health | None = None
    quality: Health | None = None


@strawberry.input(description="A new project for a client (PMO staff); omitted fields take their defaults.")
class CreateProjectInput:
    client_id: relay.GlobalID
    code: str = strawberry.field(description="Unique per client: capital letters, digits and dashes, like BCR-GMS.")
    name: str
    start_date: date
    end_date: date
    summary: str | None = None
    status: ProjectStatus | None = strawberry.field(default=None, description="PLANNED unless given; never CLOSED.")
    phase: ProjectPhase | None = strawberry.field(default=None, description="INITIATION unless given.")
    currency: str | None = strawberry.field(default=None, description="ISO 4217 code, USD unless given.")
    budget_at_completion: str | None = strawberry.field(default=None, description='A decimal string like "1250.00".')
    actual_cost_to_date: str | None = strawberry.field(
        default=None, description='The cost so far, like "1250.00": recorded as an opening cost entry dated today.')
    financials_shared: bool | None = strawberry.field(default=None, description="False unless given.")
    percent_complete: int | None = None
    earning_rule: EarningRule | None = strawberry.field(default=None, description="PERCENT_COMPLETE unless given.")
    health: ProjectHealthInput | None = None
    manager_email: str | None = strawberry.field(default=None, description="The email of a PMO staff member.")


@strawberry.input(description="Changes to a project (PMO staff); omitted fields stay as they are.")
class UpdateProjectInput:
    id: relay.GlobalID
    code: str | None = None
    name: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    summary: str | None = None
    status: ProjectStatus | None = None
    phase: ProjectPhase | None = None
    currency: str | None = None
    budget_at_completion: str | None = None
    actual_cost_to_date: str | None = strawberry.field(
        default=None, deprecation_reason="Record cost by period with recordActualCost; a value here is refused.")
    financials_shared: bool | None = None
    percent_complete: int | None = None
    earning_rule: EarningRule | None = None
    health: ProjectHealthInput | None = None
    manager_email: str | None = None


@strawberry.type
class ProjectPayload:
    project: Project | None
    user_errors: list[UserError]


def _fields(input: CreateProjectInput | UpdateProjectInput) -> ProjectFields:
    health = input.health or ProjectHealthInput()
    return ProjectFields(
        code=input.code, name=input.name, summary=input.summary, status=input.status, phase=input.phase,
        start_date=input.start_date, end_date=input.end_date, currency=input.currency,
        budget_at_completion=input.budget_at_completion, actual_cost=input.actual_cost_to_date,
        financials_shared=input.financials_shared, percent_complete=input.percent_complete,
        earning_rule=input.earning_rule,
        health_overall=health.overall, health_schedule=health.schedule, health_cost=health.cost,
        health_scope=health.scope, health_quality=health.quality, manager_email=input.manager_email,
    )


@strawberry.type
class ProjectMutations(MilestoneMutations, RiskMutations, CostMutations):
    @strawberry.mutation(description="Create a project for a client (PMO staff).")
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectPayload:
        context = info.context
        row, errors = await attempt(context.session, project_service.create_project, principal=context.principal,
                                    client_id=id_of(input.client_id, "Client", field="clientId"),
                                    fields=_fields(input))
        return ProjectPayload(project=Project.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Change a project (PMO staff).")
    async def update_project(self, info: Info, input: UpdateProjectInput) -> ProjectPayload:
        context = info.context
        row, errors = await attempt(context.session, project_service.update_project, principal=context.principal,
                                    project_id=id_of(input.id, "Project", field="id"),
                                    fields=_fields(input))
        return ProjectPayload(project=Project.from_model(row) if row else None, user_errors=errors)
