"""Mutations of the CX domain: survey links, feedback, action items and mystery shops."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.feedback import action_item_service, invitation_service, mystery_shop_service
from api.feedback import service as feedback_service
from api.feedback.models import ActionItemStatus as ActionItemStatusModel
from api.feedback.program_types import ActionItem, MysteryShop
from api.feedback.types import ActionItemStatus, Feedback, SurveyInvitation, Touchpoint
from api.kit.ids import optional_node_id
from api.kit.mutations import UserError, attempt


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


@strawberry.type
class CreateSurveyInvitationPayload:
    survey_invitation: SurveyInvitation | None
    link: str | None = strawberry.field(description="The signed survey link; shown only in this response.")
    user_errors: list[UserError]


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


@strawberry.type
class SubmitFeedbackPayload:
    feedback: Feedback | None
    user_errors: list[UserError]


@strawberry.input(description="A new action item; the client and project default to those of the feedback.")
class CreateActionItemInput:
    title: str
    client_id: relay.GlobalID | None = None
    project_id: relay.GlobalID | None = None
    feedback_id: relay.GlobalID | None = None
    you_said: str = ""
    we_did: str = ""
    status: ActionItemStatus = ActionItemStatusModel.OPEN
    client_visible: bool = False
    owner_email: str | None = strawberry.field(default=None, description="A PMO staff member; the caller by default.")
    due_date: date | None = None


@strawberry.input(description="Changes to an action item; omitted fields stay as they are.")
class UpdateActionItemInput:
    id: relay.GlobalID
    title: str | None = None
    you_said: str | None = None
    we_did: str | None = None
    status: ActionItemStatus | None = None
    client_visible: bool | None = None
    owner_email: str | None = None
    due_date: date | None = None


@strawberry.type
class ActionItemPayload:
    action_item: ActionItem | None
    user_errors: list[UserError]


@strawberry.input(description="One checklist line of a mystery shop.")
class MysteryShopCriterionInput:
    criterion: str
    score: int
    max_score: int
    note: str = ""


@strawberry.input(description="A mystery shop; its score is computed from the criteria.")
class RecordMysteryShopInput:
    client_id: relay.GlobalID
    touchpoint: Touchpoint
    conducted_on: date
    criteria: list[MysteryShopCriterionInput]
    project_id: relay.GlobalID | None = None
    notes: str = ""
    shopper_email: str | None = strawberry.field(default=None, description="A PMO staff member; the caller by default.")


@strawberry.type
class RecordMysteryShopPayload:
    mystery_shop: MysteryShop | None
    user_errors: list[UserError]


@strawberry.type
class FeedbackMutations:
    @strawberry.mutation(description="Create a survey invitation and its signed link (PMO staff).")
    async def create_survey_invitation(
        self, info: Info, input: CreateSurveyInvitationInput
    ) -> CreateSurveyInvitationPayload:
        context = info.context

        async def work() -> invitation_service.IssuedInvitation:
            request = invitation_service.InvitationRequest(
                client_id=optional_node_id(input.client_id, "Client", field="clientId"),
                touchpoint=input.touchpoint,
                project_id=optional_node_id(input.project_id, "Project", field="projectId"),
                report_id=optional_node_id(input.report_id, "StatusReport", field="reportId"),
                milestone_id=optional_node_id(input.milestone_id, "Milestone", field="milestoneId"),
                contact_email=input.contact_email,
                expires_at=input.expires_at,
                ttl_seconds=input.ttl_seconds,
                max_uses=input.max_uses,
            )
            return await invitation_service.create_survey_invitation(
                context.session, principal=context.principal, settings=context.settings, request=request)

        issued, errors = await attempt(context.session, work)
        return CreateSurveyInvitationPayload(
            survey_invitation=SurveyInvitation.from_model(issued.invitation) if issued else None,
            link=issued.link if issued else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Give feedback as a client's person, or record an interview as PMO staff.")
    async def submit_feedback(self, info: Info, input: SubmitFeedbackInput) -> SubmitFeedbackPayload:
        context = info.context

        async def work():  # noqa: ANN202
            submission = feedback_service.FeedbackSubmission(
                touchpoint=input.touchpoint,
                client_id=optional_node_id(input.client_id, "Client", field="clientId"),
                project_id=optional_node_id(input.project_id, "Project", field="projectId"),
                report_id=optional_node_id(input.report_id, "StatusReport", field="reportId"),
                milestone_id=optional_node_id(input.milestone_id, "Milestone", field="milestoneId"),
                csat=input.csat,
                nps=input.nps,
                ces=input.ces,
                comment=input.comment,
                pain_points=tuple(input.pain_points),
                respondent_email=input.respondent_email,
            )
            return await feedback_service.submit_feedback(
                context.session, principal=context.principal, settings=context.settings, submission=submission)

        row, errors = await attempt(context.session, work)
        return SubmitFeedbackPayload(feedback=Feedback.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Record an action item, optionally answering one piece of feedback (PMO staff).")
    async def create_action_item(self, info: Info, input: CreateActionItemInput) -> ActionItemPayload:
        context = info.context

        async def work():  # noqa: ANN202
            draft = action_item_service.ActionItemDraft(
                title=input.title,
                client_id=optional_node_id(input.client_id, "Client", field="clientId"),
                project_id=optional_node_id(input.project_id, "Project", field="projectId"),
                feedback_id=optional_node_id(input.feedback_id, "Feedback", field="feedbackId"),
                you_said=input.you_said,
                we_did=input.we_did,
                status=input.status,
                client_visible=input.client_visible,
                owner_email=input.owner_email,
                due_date=input.due_date,
            )
            return await action_item_service.create_action_item(
                context.session, principal=context.principal, draft=draft)

        row, errors = await attempt(context.session, work)
        return ActionItemPayload(action_item=ActionItem.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Change an action item; DONE stamps its completion (PMO staff).")
    async def update_action_item(self, info: Info, input: UpdateActionItemInput) -> ActionItemPayload:
        context = info.context
        changes = action_item_service.ActionItemChanges(
            title=input.title, you_said=input.you_said, we_did=input.we_did, status=input.status,
            client_visible=input.client_visible, owner_email=input.owner_email, due_date=input.due_date)

        async def work():  # noqa: ANN202
            action_item_id = optional_node_id(input.id, "ActionItem", field="id")
            return await action_item_service.update_action_item(
                context.session, principal=context.principal, action_item_id=action_item_id, changes=changes)

        row, errors = await attempt(context.session, work)
        return ActionItemPayload(action_item=ActionItem.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Record a mystery shop; its score is the share of points earned (PMO staff).")
    async def record_mystery_shop(self, info: Info, input: RecordMysteryShopInput) -> RecordMysteryShopPayload:
        context = info.context

        async def work():  # noqa: ANN202
            record = mystery_shop_service.MysteryShopRecord(
                client_id=optional_node_id(input.client_id, "Client", field="clientId"),
                touchpoint=input.touchpoint,
                conducted_on=input.conducted_on,
                criteria=tuple(
                    mystery_shop_service.Criterion(criterion=line.criterion, score=line.score,
                                                   max_score=line.max_score, note=line.note)
                    for line in input.criteria
                ),
                project_id=optional_node_id(input.project_id, "Project", field="projectId"),
                notes=input.notes,
                shopper_email=input.shopper_email,
            )
            return await mystery_shop_service.record_mystery_shop(
                context.session, principal=context.principal, record=record)

        row, errors = await attempt(context.session, work)
        return RecordMysteryShopPayload(mystery_shop=MysteryShop.from_model(row) if row else None, user_errors=errors)
