"""Mutations of feedback."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.feedback import service as feedback_service
from api.cx.feedback.types import Feedback
from api.cx.types import Touchpoint
from api.kit.ids import optional_node_id
from api.kit.mutations import UserError, attempt, later


@strawberry.input(description="One response: at least one of csat (1-5), nps (0-10) and ces (1-7).")
class SubmitFeedbackInput:
    touchpoint: Touchpoint
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for PMO staff and for people of several clients.")
    project_id: relay.GlobalID | None = None
    report_id: relay.GlobalID | None = None
    milestone_id: relay.GlobalID | None = None
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    comment: str = ""
    pain_points: list[str] = strawberry.field(default_factory=list)
    respondent_email: str | None = strawberry.field(
        default=None, description="PMO staff recording an interview: the client's person interviewed.")

    def submission(self) -> feedback_service.FeedbackSubmission:
        return feedback_service.FeedbackSubmission(
            touchpoint=self.touchpoint,
            client_id=optional_node_id(self.client_id, "Client", field="clientId"),
            project_id=optional_node_id(self.project_id, "Project", field="projectId"),
            report_id=optional_node_id(self.report_id, "StatusReport", field="reportId"),
            milestone_id=optional_node_id(self.milestone_id, "Milestone", field="milestoneId"),
            csat=self.csat,
            nps=self.nps,
            ces=self.ces,
            comment=self.comment,
            pain_points=tuple(self.pain_points),
            respondent_email=self.respondent_email,
        )


@strawberry.type
class SubmitFeedbackPayload:
    feedback: Feedback | None
    user_errors: list[UserError]


@strawberry.type
class FeedbackMutations:
    @strawberry.mutation(description="Give feedback as a client's person, or record an interview as PMO staff.")
    async def submit_feedback(self, info: Info, input: SubmitFeedbackInput) -> SubmitFeedbackPayload:
        context = info.context
        row, errors = await attempt(context.session, feedback_service.submit_feedback, principal=context.principal,
                                    settings=context.settings, submission=later(input.submission))
        return SubmitFeedbackPayload(feedback=Feedback.from_model(row) if row else None, user_errors=errors)
