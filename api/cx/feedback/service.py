"""Feedback: reading responses within the caller's tenancy, and taking new ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.people import client_person
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.cx.action_items import service as action_item_service
from api.cx.feedback.events import FeedbackReceived
from api.cx.feedback.models import Feedback, FeedbackChannel
from api.cx.metrics import CSAT_DETRACTORS, NPS_DETRACTORS, is_detractor
from api.cx.models import Touchpoint
from api.cx.references import narrowed, subject_of
from api.kit.batches import in_order
from api.kit.errors import Forbidden, NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.projects.models import Project
from api.settings import Settings

FEEDBACK_ORDER = [Feedback.submitted_at, Feedback.id]
# The SQL form of metrics.is_detractor; NULL scores count as "not a detractor" on that scale.
DETRACTOR = or_(
    func.coalesce(Feedback.nps.between(NPS_DETRACTORS.start, NPS_DETRACTORS.stop - 1), false()),
    func.coalesce(Feedback.csat.between(CSAT_DETRACTORS.start, CSAT_DETRACTORS.stop - 1), false()),
)
COMMENT_MAX_LENGTH = 2000
SCALES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}


async def list_feedback(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageRequest,
    client_id: int | None = None,
    project_id: int | None = None,
    touchpoint: Touchpoint | None = None,
    detractor: bool | None = None,
) -> Page[Feedback]:
    """Feedback the principal may see, newest first, with optional filters (detractors only, or none of them)."""
    statement = narrowed(_visible(principal), Feedback, client_id=client_id, project_id=project_id,
                         touchpoint=touchpoint)
    if detractor is not None:
        statement = statement.where(DETRACTOR if detractor else ~DETRACTOR)
    return await paginate(session, statement, key=FEEDBACK_ORDER, page=page, descending=True)


async def feedback_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[Feedback | None]:
    """Feedback for `ids` in order; None where missing or not visible."""
    return in_order(await session.scalars(_visible(principal).where(Feedback.id.in_(ids))), ids)


def _visible(principal: Principal) -> Select[tuple[Feedback]]:
    return scoped(select(Feedback), Feedback, principal)


@dataclass(frozen=True)
class FeedbackSubmission:
    """One response as a client's person gives it, or as PMO staff record it from an interview."""

    touchpoint: Touchpoint
    client_id: int | None = None
    project_id: int | None = None
    report_id: int | None = None
    milestone_id: int | None = None
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    comment: str = ""
    pain_points: tuple[str, ...] = ()
    respondent_email: str | None = None


def check_submission(submission: FeedbackSubmission, *, client_id: int | None, staff: bool,
                      settings: Settings) -> None:
    validator = Validator()
    for scale, (low, high) in SCALES.items():
        value = getattr(submission, scale)
        validator.check(value is None or low <= value <= high, scale, f"{scale} must be between {low} and {high}")
    validator.check(any(getattr(submission, scale) is not None for scale in SCALES), "csat",
                    "give at least one score: csat, nps or ces")
    validator.check(len(submission.comment) <= COMMENT_MAX_LENGTH, "comment",
                    f"comment must be at most {COMMENT_MAX_LENGTH} characters")
    unknown = sorted(set(submission.pain_points) - set(settings.pain_point_tags))
    validator.check(not unknown, "painPoints",
                    f"unknown pain points {', '.join(unknown)} (one of {', '.join(settings.pain_point_tags)})")
    validator.check(staff or submission.respondent_email is None, "respondentEmail",
                    "only PMO staff record someone else's answers")
    validator.check(client_id is not None, "clientId", "say which client answered")
    validator.raise_if_any()


async def submit_feedback(session: AsyncSession, *, principal: Principal, settings: Settings,
                          submission: FeedbackSubmission) -> Feedback:
    """Store one response; a detractor's opens an internal follow-up action item in the same transaction."""
    staff = principal.is_pmo_staff
    if not staff and not principal.client_ids:
        raise Forbidden("only a client's own people, or PMO staff recording an interview, may give feedback")
    client_id = submission.client_id
    if client_id is None and not staff and len(principal.client_ids) == 1:
        (client_id,) = principal.client_ids
    check_submission(submission, client_id=client_id, staff=staff, settings=settings)
    if not staff and client_id not in principal.client_ids:
        raise NotFound("no such client", field="clientId")
    subject = await subject_of(session, principal=principal, client_id=client_id, project_id=submission.project_id,
                               report_id=submission.report_id, milestone_id=submission.milestone_id)
    respondent_id = None if staff else principal.user_id
    if staff and submission.respondent_email:
        respondent = await client_person(session, client_id=client_id, email=submission.respondent_email,
                                         field="respondentEmail")
        respondent_id = respondent.id
    feedback = Feedback(
        client_id=client_id,
        project_id=subject.project.id if subject.project else None,
        touchpoint=submission.touchpoint,
        csat=submission.csat,
        nps=submission.nps,
        ces=submission.ces,
        comment=submission.comment.strip(),
        pain_points=sorted(set(submission.pain_points)),
        channel=FeedbackChannel.INTERVIEW if staff else FeedbackChannel.API,
        respondent_id=respondent_id,
        report_id=subject.report_id,
        milestone_id=subject.milestone_id,
    )
    return await record_feedback(session, principal=principal, feedback=feedback)


async def record_feedback(session: AsyncSession, *, principal: Principal, feedback: Feedback,
                          details: dict[str, object] | None = None) -> Feedback:
    """Store checked feedback with its audit record and event; a detractor's opens the PMO's follow-up."""
    session.add(feedback)
    await session.flush()
    await audit_service.record(
        session, principal=principal, action="feedback.submit", object_type="Feedback", object_id=feedback.id,
        organization_id=feedback.client_id,
        details={"touchpoint": feedback.touchpoint.value, "channel": feedback.channel.value, **(details or {}),
                 "csat": feedback.csat, "nps": feedback.nps, "ces": feedback.ces},
    )
    record_event(session, FeedbackReceived(client_id=feedback.client_id, actor_user_id=principal.user_id,
                                           feedback_id=feedback.id, project_id=feedback.project_id,
                                           touchpoint=feedback.touchpoint.value, channel=feedback.channel.value))
    if is_detractor(csat=feedback.csat, nps=feedback.nps):
        owner_id = None
        if feedback.project_id is not None:  # checked against the caller's tenancy already
            owner_id = await session.scalar(select(Project.manager_id).where(Project.id == feedback.project_id)
                                            .execution_options(tenant_backstop=False))
        await action_item_service.open_detractor_follow_up(session, principal=principal, feedback=feedback,
                                                           owner_id=owner_id)
    return feedback
