"""Mutations on risks and issues."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.mutations import UserError, attempt, id_of
from api.projects import risk_service
from api.projects.risk_service import RiskFields
from api.projects.risk_types import Risk, RiskKind, RiskStatus, RiskVisibility


@strawberry.input(description="A new risk or issue on a project's register (PMO staff); omitted fields take their "
                              "defaults. Severity follows from probability x impact.")
class CreateRiskInput:
    project_id: relay.GlobalID
    title: str
    probability: int = strawberry.field(description="1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="1 (minor) to 5 (severe).")
    owner_name: str
    kind: RiskKind | None = strawberry.field(default=None, description="RISK unless given.")
    description: str | None = None
    mitigation: str | None = None
    status: RiskStatus | None = strawberry.field(default=None, description="OPEN unless given.")
    visibility: RiskVisibility | None = strawberry.field(
        default=None, description="INTERNAL unless given: a risk reaches the client only when marked CLIENT.")
    raised_on: date | None = strawberry.field(default=None, description="Today unless given.")


@strawberry.input(description="Changes to a risk or issue (PMO staff); omitted fields stay as they are.")
class UpdateRiskInput:
    id: relay.GlobalID
    kind: RiskKind | None = None
    title: str | None = None
    description: str | None = None
    probability: int | None = None
    impact: int | None = None
    owner_name: str | None = None
    mitigation: str | None = None
    status: RiskStatus | None = None
    visibility: RiskVisibility | None = None
    raised_on: date | None = None


@strawberry.type
class RiskPayload:
    risk: Risk | None
    user_errors: list[UserError]


def _fields(input: CreateRiskInput | UpdateRiskInput) -> RiskFields:
    return RiskFields(
        kind=input.kind, title=input.title, description=input.description, probability=input.probability,
        impact=input.impact, owner_name=input.owner_name, mitigation=input.mitigation, status=input.status,
        visibility=input.visibility, raised_on=input.raised_on,
    )


@strawberry.type
class RiskMutations:
    @strawberry.mutation(description="Add a risk or issue to a project's register (PMO staff).")
    async def create_risk(self, info: Info, input: CreateRiskInput) -> RiskPayload:
        context = info.context
        row, errors = await attempt(context.session, risk_service.create_risk, principal=context.principal,
                                    project_id=id_of(input.project_id, "Project", field="projectId"),
                                    fields=_fields(input))
        return RiskPayload(risk=Risk.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Change a risk or issue (PMO staff).")
    async def update_risk(self, info: Info, input: UpdateRiskInput) -> RiskPayload:
        context = info.context
        row, errors = await attempt(context.session, risk_service.update_risk, principal=context.principal,
                                    risk_id=id_of(input.id, "Risk", field="id"),
                                    fields=_fields(input))
        return RiskPayload(risk=Risk.from_model(row) if row else None, user_errors=errors)
