"""Mutations of survey invitations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.surveys import service as survey_service
from api.cx.surveys.types import SurveyInvitation
from api.cx.types import Touchpoint
from api.kit.ids import optional_node_id
from api.kit.mutations import UserError, attempt, later


@strawberry.input(description="A survey link for one touchpoint; it expires at expiresAt, after ttlSeconds, or after "
                              "the configured default.")
class CreateSurveyInvitationInput:
    client_id: relay.GlobalID
    touchpoint: Touchpoint
    project_id: relay.GlobalID | None = None
    report_id: relay.GlobalID | None = None
    milestone_id: relay.GlobalID | None = None
    contact_email: str | None = strawberry.field(default=None, description="The client's person to invite.")
    expires_at: datetime | None = None
    ttl_seconds: int | None = None
    max_uses: int = 1

    def request(self) -> survey_service.InvitationRequest:
        return survey_service.InvitationRequest(
            client_id=optional_node_id(self.client_id, "Client", field="clientId"),
            touchpoint=self.touchpoint,
            project_id=optional_node_id(self.project_id, "Project", field="projectId"),
            report_id=optional_node_id(self.report_id, "StatusReport", field="reportId"),
            milestone_id=optional_node_id(self.milestone_id, "Milestone", field="milestoneId"),
            contact_email=self.contact_email,
            expires_at=self.expires_at,
            ttl_seconds=self.ttl_seconds,
            max_uses=self.max_uses,
        )


@strawberry.type
class CreateSurveyInvitationPayload:
    survey_invitation: SurveyInvitation | None
    link: str | None = strawberry.field(description="The signed survey link; shown only in this response.")
    user_errors: list[UserError]


@strawberry.type
class SurveyMutations:
    @strawberry.mutation(description="Create a survey invitation and its signed link (PMO staff).")
    async def create_survey_invitation(
        self, info: Info, input: CreateSurveyInvitationInput
    ) -> CreateSurveyInvitationPayload:
        context = info.context
        issued, errors = await attempt(context.session, survey_service.create_survey_invitation,
                                       principal=context.principal, settings=context.settings,
                                       request=later(input.request))
        return CreateSurveyInvitationPayload(
            survey_invitation=SurveyInvitation.from_model(issued.invitation) if issued else None,
            link=issued.link if issued else None,
            user_errors=errors,
        )
