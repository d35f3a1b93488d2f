"""Answers given through a survey link: opening the link, the form's CSRF token, and storing one answer."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, Role, User
from api.auth.principal import Grant, Principal
from api.auth.tokens import verify_token
from api.cx.feedback.models import Feedback, FeedbackChannel
from api.cx.feedback.service import SCALES, FeedbackSubmission, check_submission, record_feedback
from api.cx.models import Touchpoint
from api.cx.surveys.models import InvitationTrigger, SurveyInvitation
from api.cx.surveys.service import SURVEY_TOKEN
from api.kit.columns import utcnow
from api.kit.errors import Conflict, NotFound, Unauthenticated, Validator
from api.settings import Settings

QUESTIONS_BY_TOUCHPOINT = {
    Touchpoint.STATUS_REPORT: ("csat", "ces"),
    Touchpoint.DELIVERABLE_ACCEPTANCE: ("csat", "ces"),
    Touchpoint.SUPPORT: ("csat", "ces"),
    Touchpoint.CLOSEOUT: ("nps", "csat"),
}
DEFAULT_QUESTIONS = ("csat",)
FORM_TOKEN_PURPOSE = b"rapport-survey-form:"


class LinkClosed(Conflict):
    """A genuine survey link that has expired or been used as often as it may be."""


def questions_for(touchpoint: Touchpoint) -> tuple[str, ...]:
    """The scores a survey at `touchpoint` asks for, in the order it asks them."""
    return QUESTIONS_BY_TOUCHPOINT.get(touchpoint, DEFAULT_QUESTIONS)


async def open_link(session: AsyncSession, *, settings: Settings, token: str,
                    now: datetime | None = None) -> SurveyInvitation:
    """The invitation a link stands for; NotFound when the link is not genuine, LinkClosed when it may not be used."""
    try:
        verified = verify_token(token, settings=settings, token_type=SURVEY_TOKEN)
    except Unauthenticated as exc:
        if exc.message == "token has expired":
            raise LinkClosed("this survey link has expired") from exc
        raise NotFound("this survey link is not valid") from exc
    invitation = await session.scalar(select(SurveyInvitation).where(SurveyInvitation.token_id == verified.subject))
    if invitation is None:
        raise NotFound("this survey link is not valid")
    if invitation.expires_at <= (now or utcnow()):
        raise LinkClosed("this survey link has expired")
    if invitation.uses >= invitation.max_uses:
        raise LinkClosed("this survey link has already been used")
    if invitation.contact_id is not None and not await _recipient_belongs(session, invitation):
        raise LinkClosed("this survey link has been withdrawn")
    return invitation


async def _recipient_belongs(session: AsyncSession, invitation: SurveyInvitation) -> bool:
    """Whether the contact a link was sent to is still an active user of its client, to answer in their name."""
    membership = await session.scalar(
        select(Membership.id).join(User, User.id == Membership.user_id)
        .where(Membership.user_id == invitation.contact_id, Membership.organization_id == invitation.client_id,
               User.is_active.is_(True)))
    return membership is not None


def form_token(invitation: SurveyInvitation, *, settings: Settings) -> str:
    """The form's CSRF token: an HMAC of the link's token id under the survey form key."""
    return hmac.new(settings.survey_form_key, FORM_TOKEN_PURPOSE + invitation.token_id.encode(), hashlib.sha256).hexdigest()


def form_token_matches(invitation: SurveyInvitation, *, settings: Settings, given: str | None) -> bool:
    """Whether `given` is this link's form token."""
    return given is not None and hmac.compare_digest(form_token(invitation, settings=settings), given)


@dataclass(frozen=True)
class LinkAnswer:
    """The form's fields as the respondent sent them."""

    scores: dict[str, str | None]
    comment: str = ""
    pain_points: tuple[str, ...] = ()


def _submission(invitation: SurveyInvitation, answer: LinkAnswer, *, settings: Settings) -> FeedbackSubmission:
    validator = Validator()
    scores: dict[str, int | None] = dict.fromkeys(SCALES)
    for scale in questions_for(invitation.touchpoint):
        raw = (answer.scores.get(scale) or "").strip()
        validator.check(raw != "", scale, f"answer the {scale.upper()} question")
        scores[scale] = _whole_number(raw)
        validator.check(raw == "" or scores[scale] is not None, scale, f"{scale} must be a whole number")
    validator.raise_if_any()
    submission = FeedbackSubmission(touchpoint=invitation.touchpoint, client_id=invitation.client_id,
                                    comment=answer.comment, pain_points=answer.pain_points, **scores)
    check_submission(submission, client_id=invitation.client_id, staff=False, settings=settings)
    return submission


def _whole_number(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


async def answer_link(session: AsyncSession, *, settings: Settings, invitation: SurveyInvitation,
                      answer: LinkAnswer, now: datetime | None = None) -> Feedback:
    """Store one answer through the link and count the use; a detractor's opens the same follow-up as submitFeedback."""
    submission = _submission(invitation, answer, settings=settings)
    now = now or utcnow()
    counted = await session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id, SurveyInvitation.uses < SurveyInvitation.max_uses,
               SurveyInvitation.expires_at > now)
        .values(uses=SurveyInvitation.uses + 1, responded_at=now)
        .execution_options(synchronize_session="fetch", touches_clients=[invitation.client_id])
    )
    if counted.rowcount != 1:
        raise LinkClosed("this survey link has already been used")
    respondent = Principal(grants=(Grant(organization_id=invitation.client_id, role=Role.CLIENT_CONTACT),),
                           user_id=invitation.contact_id)
    site = invitation.trigger is InvitationTrigger.SITE
    feedback = Feedback(
        client_id=invitation.client_id, project_id=invitation.project_id, touchpoint=invitation.touchpoint,
        csat=submission.csat, nps=submission.nps, ces=submission.ces, comment=submission.comment.strip(),
        pain_points=sorted(set(submission.pain_points)),
        channel=FeedbackChannel.SITE_LINK if site else FeedbackChannel.SURVEY_LINK,
        respondent_id=invitation.contact_id, report_id=invitation.report_id, milestone_id=invitation.milestone_id,
        invitation_id=invitation.id, submitted_at=now,
    )
    return await record_feedback(session, principal=respondent, feedback=feedback,
                                 details={"invitation_id": invitation.id})
