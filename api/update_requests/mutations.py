"""Mutations on update requests."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.errors import InvalidInput
from api.kit.ids import database_ids, optional_node_id
from api.kit.mutations import UserError, attempt, id_of, later
from api.update_requests import service as request_service
from api.update_requests.service import RequestDraft
from api.update_requests.types import UpdateRequest


@strawberry.input(description="Ask a project's subcontractor person, or PMO staff, to update exactly these milestones "
                              "and risks by a date (PMO staff). They are mailed a signed link to a short form.")
class CreateUpdateRequestInput:
    project_id: relay.GlobalID
    recipient_email: str
    milestone_ids: list[relay.GlobalID]
    risk_ids: list[relay.GlobalID]
    message: str
    due_date: date


@strawberry.input(description="An update request to withdraw (PMO staff): its link stops working.")
class CancelUpdateRequestInput:
    id: relay.GlobalID


@strawberry.type
class UpdateRequestPayload:
    update_request: UpdateRequest | None
    user_errors: list[UserError]


def _ids(global_ids: list[relay.GlobalID], type_name: str, field: str) -> list[int]:
    if any(global_id.type_name != type_name for global_id in global_ids):
        raise InvalidInput(f"`{field}` must hold ids of {type_name}s", field=field)
    return database_ids(global_id.node_id for global_id in global_ids)


def _draft(input: CreateUpdateRequestInput) -> RequestDraft:
    return RequestDraft(project_id=optional_node_id(input.project_id, "Project", field="projectId"),
                        recipient_email=input.recipient_email,
                        milestone_ids=_ids(input.milestone_ids, "Milestone", "milestoneIds"),
                        risk_ids=_ids(input.risk_ids, "Risk", "riskIds"), message=input.message,
                        due_date=input.due_date)


@strawberry.type
class UpdateRequestMutations:
    @strawberry.mutation(description="Ask someone to update milestones and risks of one project by a date.")
    async def create_update_request(self, info: Info, input: CreateUpdateRequestInput) -> UpdateRequestPayload:
        context = info.context
        row, errors = await attempt(context.session, request_service.create_update_request,
                                    principal=context.principal, draft=later(_draft, input))
        return UpdateRequestPayload(update_request=UpdateRequest.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Withdraw an update request that is still waiting (PMO staff).")
    async def cancel_update_request(self, info: Info, input: CancelUpdateRequestInput) -> UpdateRequestPayload:
        context = info.context
        row, errors = await attempt(context.session, request_service.cancel_update_request,
                                    principal=context.principal,
                                    request_id=id_of(input.id, "UpdateRequest", field="id"))
        return UpdateRequestPayload(update_request=UpdateRequest.from_model(row) if row else None, user_errors=errors)
