"""Mutations on milestones and deliverables."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.mutations import UserError, attempt, id_of
from api.projects import milestone_service
from api.projects.milestone_service import MilestoneFields
from api.projects.milestone_types import Milestone, MilestoneKind, MilestoneStatus


@strawberry.input(description="A new milestone or deliverable (PMO staff); omitted fields take their defaults.")
class CreateMilestoneInput:
    project_id: relay.GlobalID
    name: str
    baseline_date: date = strawberry.field(description="Within the project's period of performance.")
    kind: MilestoneKind | None = strawberry.field(default=None, description="MILESTONE unless given.")
    description: str | None = None
    forecast_date: date | None = strawberry.field(default=None, description="The baseline date unless given.")
    completed_date: date | None = strawberry.field(default=None, description="Only for a SUBMITTED milestone.")
    status: MilestoneStatus | None = strawberry.field(
        default=None, description="NOT_STARTED unless given; ACCEPTED and REJECTED are the client's decision, later.")
    planned_value: str | None = strawberry.field(default=None, description='A decimal string, "0.00" unless given.')
    percent_complete: int | None = None


@strawberry.input(description="Changes to a milestone; omitted fields stay as they are. PMO staff change anything, "
                              "an assigned subcontractor reports progress (percentComplete, forecastDate, status up "
                              "to SUBMITTED), the client accepts or rejects a SUBMITTED one (status only).")
class UpdateMilestoneInput:
    id: relay.GlobalID
    kind: MilestoneKind | None = None
    name: str | None = None
    description: str | None = None
    baseline_date: date | None = None
    forecast_date: date | None = None
    completed_date: date | None = None
    status: MilestoneStatus | None = None
    planned_value: str | None = None
    percent_complete: int | None = None


@strawberry.type
class MilestonePayload:
    milestone: Milestone | None
    user_errors: list[UserError]


def _fields(input: CreateMilestoneInput | UpdateMilestoneInput) -> MilestoneFields:
    return MilestoneFields(
        kind=input.kind, name=input.name, description=input.description, baseline_date=input.baseline_date,
        forecast_date=input.forecast_date, completed_date=input.completed_date, status=input.status,
        planned_value=input.planned_value, percent_complete=input.percent_complete,
    )


@strawberry.type
class MilestoneMutations:
    @strawberry.mutation(description="Plan a milestone or deliverable on a project (PMO staff).")
    async def create_milestone(self, info: Info, input: CreateMilestoneInput) -> MilestonePayload:
        context = info.context
        row, errors = await attempt(context.session, milestone_service.create_milestone, principal=context.principal,
                                    project_id=id_of(input.project_id, "Project", field="projectId"),
                                    fields=_fields(input))
        return MilestonePayload(milestone=Milestone.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Plan, progress, accept or reject a milestone, as the viewer's role allows.")
    async def update_milestone(self, info: Info, input: UpdateMilestoneInput) -> MilestonePayload:
        context = info.context
        row, errors = await attempt(context.session, milestone_service.update_milestone, principal=context.principal,
                                    milestone_id=id_of(input.id, "Milestone", field="id"),
                                    fields=_fields(input))
        return MilestonePayload(milestone=Milestone.from_model(row) if row else None, user_errors=errors)
