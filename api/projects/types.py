"""GraphQL types for projects."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.permissions import sees_financials
from api.kit.connections import Connection, paged
from api.kit.money import Money
from api.kit.nodes import LoadedNode
from api.kit.pagination import PageRequest
from api.projects import models
from api.projects.cost_types import ActualCostEntry, project_actual_costs
from api.projects.milestone_types import (
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    next_milestone,
    project_milestones,
)
from api.projects.risk_types import Risk, RiskStatus, RiskVisibility, project_risks
from api.projects.team_types import Assignment, Person, person, project_assignments

if TYPE_CHECKING:
    from api.activity.types import Activity
    from api.clients.types import Client
    from api.earned_value.types import EarnedValue, Granularity
    from api.reports.types import ReportState, StatusReport

ProjectStatus = strawberry.enum(models.ProjectStatus, name="ProjectStatus")
EarningRule = strawberry.enum(models.EarningRule, name="EarningRule",
                              description="How a milestone earns its planned value: PERCENT_COMPLETE by its percent "
                                          "complete; FIFTY_FIFTY half once started and the rest on acceptance; "
                                          "ZERO_HUNDRED all on acceptance. An accepted milestone always earns all.")
ProjectPhase = strawberry.enum(models.ProjectPhase, name="ProjectPhase")
Health = strawberry.enum(models.Health, name="Health")


@strawberry.type(description="Health of a project on each dimension the PMO tracks.")
class ProjectHealth:
    overall: Health
    schedule: Health
    cost: Health
    scope: Health
    quality: Health


@strawberry.type(description="Budget and spend of a project, in the project's currency.")
class ProjectFinancials:
    budget_at_completion: Money
    actual_cost_to_date: Money
    percent_spent: float | None = strawberry.field(
        description="Actual cost to date over budget at completion, x 100, one decimal; null without a budget.")

    @classmethod
    def of(cls, *, budget: Decimal, actual: Decimal, currency: str) -> ProjectFinancials:
        """The financials of a project with `budget` at completion and `actual` cost to date."""
        return cls(
            budget_at_completion=Money.of(budget, currency),
            actual_cost_to_date=Money.of(actual, currency),
            percent_spent=round(float(actual * 100 / budget), 1) if budget else None,
        )


@strawberry.type(description="A contract or task order delivered for a client.")
class Project(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    summary: str
    status: ProjectStatus
    phase: ProjectPhase
    percent_complete: int
    start_date: date
    end_date: date
    updated_at: datetime
    health: ProjectHealth
    financials_shared: bool = strawberry.field(description="Whether the client's people see the financials.")
    earning_rule: EarningRule
    client_id: strawberry.Private[int]
    manager_id: strawberry.Private[int | None]
    currency: strawberry.Private[str]
    budget_at_completion: strawberry.Private[Decimal]
    actual_cost: strawberry.Private[Decimal]

    @strawberry.field(description="The client this project is delivered for.")
    async def client(self, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")]:
        from api.clients.types import Client

        row = await info.context.clients.by_id.load(self.client_id)
        return Client.from_model(row)

    @strawberry.field(description="This project's status reports the viewer may see, newest period first.")
    @paged
    async def status_reports(
        self,
        info: Info,
        page: PageRequest,
        state: Annotated[ReportState, strawberry.lazy("api.reports.types")] | None = None,
    ) -> Connection[Annotated[StatusReport, strawberry.lazy("api.reports.types")]]:
        from api.reports.types import project_status_reports

        return await project_status_reports(info, project_id=self.id, page=page, state=state)

    @strawberry.field(description="The latest published status report the viewer may see; null when there is none.")
    async def latest_report(self, info: Info) -> Annotated[StatusReport, strawberry.lazy("api.reports.types")] | None:
        from api.reports.types import latest_report

        return await latest_report(info, project_id=self.id)

    @strawberry.field(description="Budget and spend: PMO staff always, the client's people when shared, else null.")
    def financials(self, info: Info) -> ProjectFinancials | None:
        if not sees_financials(info.context.principal, client_id=self.client_id,
                               financials_shared=self.financials_shared):
            return None
        return ProjectFinancials.of(budget=self.budget_at_completion, actual=self.actual_cost, currency=self.currency)

    @strawberry.field(description="Earned value at `asOf` (today in the client's time zone unless given): PMO staff "
                                  "and the client's people, amounts only where the viewer sees the financials; null "
                                  "for subcontractors.")
    async def earned_value(self, info: Info, as_of: date | None = None) -> Annotated[
            EarnedValue, strawberry.lazy("api.earned_value.types")] | None:
        from api.earned_value.types import project_earned_value

        return await project_earned_value(info, project_id=self.id, as_of=as_of)

    @strawberry.field(description="Earned value at each month end (or Sunday) from `from` (the project's start "
                                  "unless given) to `to` (today in the client's time zone unless given), at most "
                                  "260 points; null where earnedValue is.")
    async def earned_value_trend(
        self, info: Info, from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        granularity: Annotated[Granularity, strawberry.lazy("api.earned_value.types")] | None = None,
    ) -> list[Annotated[EarnedValue, strawberry.lazy("api.earned_value.types")]] | None:
        from api.earned_value.types import Granularity, project_trend

        return await project_trend(info, project_id=self.id, start=from_, end=to,
                                   granularity=granularity or Granularity.MONTH)

    @strawberry.field(description="Actual cost entries by period, corrections included: PMO staff, and the client's "
                                  "people when the financials are shared (empty for everyone else).")
    @paged
    async def actual_costs(self, info: Info, page: PageRequest) -> Connection[ActualCostEntry]:
        return await project_actual_costs(info, project_id=self.id, page=page, currency=self.currency)

    @strawberry.field(description="What happened on this project that the viewer may see, newest first; with "
                                  "`since`, only what happened from then on.")
    @paged
    async def activity(self, info: Info, page: PageRequest, since: datetime | None = None) -> Connection[
            Annotated[Activity, strawberry.lazy("api.activity.types")]]:
        from api.activity.types import project_activity

        return await project_activity(info, project_id=self.id, page=page, since=since)

    @strawberry.field(description="The PMO project manager; null when none is named.")
    async def manager(self, info: Info) -> Person | None:
        return await person(info, user_id=self.manager_id)

    @strawberry.field(description="This project's milestones and deliverables the viewer may see, by forecast date.")
    @paged
    async def milestones(
        self,
        info: Info,
        page: PageRequest,
        status: MilestoneStatus | None = None,
        kind: MilestoneKind | None = None,
    ) -> Connection[Milestone]:
        return await project_milestones(info, project_id=self.id, page=page, status=status, kind=kind)

    @strawberry.field(description="The milestone not yet accepted with the earliest forecast date; null when none.")
    async def next_milestone(self, info: Info) -> Milestone | None:
        return await next_milestone(info, project_id=self.id)

    @strawberry.field(description="This project's risks and issues the viewer may see, most recently raised first.")
    @paged
    async def risks(
        self,
        info: Info,
        page: PageRequest,
        status: RiskStatus | None = None,
        visibility: RiskVisibility | None = None,
    ) -> Connection[Risk]:
        return await project_risks(info, project_id=self.id, page=page, status=status, visibility=visibility)

    @strawberry.field(description="Who works on this project: PMO staff and subcontractors, in assignment order.")
    @paged
    async def assignments(
        self,
        info: Info,
        page: PageRequest,
    ) -> Connection[Assignment]:
        return await project_assignments(info, project_id=self.id, page=page)

    @classmethod
    def from_model(cls, project: models.Project) -> Project:
        """The GraphQL view of a project row."""
        return cls(
            id=project.id,
            code=project.code,
            name=project.name,
            summary=project.summary,
            status=project.status,
            phase=project.phase,
            percent_complete=project.percent_complete,
            start_date=project.start_date,
            end_date=project.end_date,
            updated_at=project.updated_at,
            health=ProjectHealth(
                overall=project.health_overall,
                schedule=project.health_schedule,
                cost=project.health_cost,
                scope=project.health_scope,
                quality=project.health_quality,
            ),
            financials_shared=project.financials_shared,
            earning_rule=project.earning_rule,
            client_id=project.client_id,
            manager_id=project.manager_id,
            currency=project.currency,
            budget_at_completion=project.budget_at_completion,
            actual_cost=project.actual_cost,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.projects.by_id
