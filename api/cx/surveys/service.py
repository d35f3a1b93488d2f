"""Survey invitations: signed, expiring, limited-use links, with a per-contact frequency cap."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.models import User
from api.auth.people import client_person
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.auth.tokens import sign_token
from api.cx.models import Touchpoint
from api.cx.references import narrowed, subject_of
from api.cx.surveys.models import InvitationTrigger, SurveyInvitation
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Conflict, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.settings import Settings

SURVEY_TOKEN = "rapport-survey+jwt"
INVITATION_ORDER = [SurveyInvitation.sent_at, SurveyInvitation.id]
SHORTEST_LINK = timedelta(hours=1)
LONGEST_LINK = timedelta(days=90)
MAX_USES_LIMIT = 500


async def list_invitations(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageRequest,
    client_id: int | None = None,
    project_id: int | None = None,
    touchpoint: Touchpoint | None = None,
) -> Page[SurveyInvitation]:
    """Survey invitations the principal may see (PMO staff only), newest first, with optional filters."""
    statement = narrowed(_visible(principal), SurveyInvitation, client_id=client_id, project_id=project_id,
                         touchpoint=touchpoint)
    return await paginate(session, statement, key=INVITATION_ORDER, page=page, descending=True)


async def invitations_by_ids(session: AsyncSession, *, principal: Principal,
                             ids: Sequence[int]) -> list[SurveyInvitation | None]:
    """Survey invitations for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(_visible(principal).where(SurveyInvitation.id.in_(ids)))
    return in_order(rows, ids)


def _visible(principal: Principal) -> Select[tuple[SurveyInvitation]]:
    return scoped(select(SurveyInvitation), SurveyInvitation, principal)


@dataclass(frozen=True)
class InvitationRequest:
    """What a new survey link is for; it expires at `expires_at`, after `ttl_seconds`, or after the default."""

    client_id: int
    touchpoint: Touchpoint
    project_id: int | None = None
    report_id: int | None = None
    milestone_id: int | None = None
    contact_email: str | None = None
    expires_at: datetime | None = None
    ttl_seconds: int | None = None
    max_uses: int = 1


@dataclass(frozen=True)
class IssuedInvitation:
    """A stored invitation and its signed link, which is shown only this once."""

    invitation: SurveyInvitation
    link: str


def _expiry(request: InvitationRequest, *, now: datetime, settings: Settings) -> datetime:
    validator = Validator()
    validator.check(request.expires_at is None or request.ttl_seconds is None, "ttlSeconds",
                    "give expiresAt or ttlSeconds, not both")
    validator.check(request.expires_at is None or request.expires_at.tzinfo is not None, "expiresAt",
                    "expiresAt needs a UTC offset")
    validator.check(1 <= request.max_uses <= MAX_USES_LIMIT, "maxUses",
                    f"maxUses must be between 1 and {MAX_USES_LIMIT}")
    validator.raise_if_any()
    if request.expires_at is not None:
        expires_at, field = request.expires_at.replace(microsecond=0), "expiresAt"
    elif request.ttl_seconds is not None:
        expires_at, field = now + timedelta(seconds=request.ttl_seconds), "ttlSeconds"
    else:
        return now + timedelta(days=settings.survey_link_ttl_days)
    validator.check(SHORTEST_LINK <= expires_at - now <= LONGEST_LINK, field,
                    "a survey link must stay valid for between 1 hour and 90 days")
    validator.raise_if_any()
    return expires_at


async def create_survey_invitation(session: AsyncSession, *, principal: Principal, settings: Settings,
                                   request: InvitationRequest, now: datetime | None = None) -> IssuedInvitation:
    """Create an invitation and sign its link; a contact invited within the frequency cap is a Conflict."""
    require_pmo_staff(principal)
    now = (now or utcnow()).replace(microsecond=0)
    expires_at = _expiry(request, now=now, settings=settings)
    subject = await subject_of(session, principal=principal, client_id=request.client_id, project_id=request.project_id,
                               report_id=request.report_id, milestone_id=request.milestone_id)
    contact = None
    if request.contact_email:
        contact = await client_person(session, client_id=request.client_id, email=request.contact_email,
                                      field="contactEmail")
        await _check_frequency_cap(session, contact_id=contact.id, now=now, cap_days=settings.survey_frequency_cap_days)
    invitation = SurveyInvitation(
        client_id=subject.client_id,
        project_id=subject.project.id if subject.project else None,
        contact_id=contact.id if contact else None,
        touchpoint=request.touchpoint,
        trigger=InvitationTrigger.MANUAL,
        report_id=subject.report_id,
        milestone_id=subject.milestone_id,
        max_uses=request.max_uses,
        expires_at=expires_at,
        sent_at=now,
        created_by_id=principal.user_id,
    )
    return await issue_invitation(session, principal=principal, settings=settings, invitation=invitation)


async def issue_invitation(session: AsyncSession, *, principal: Principal | None, settings: Settings,
                           invitation: SurveyInvitation) -> IssuedInvitation:
    """Store a new invitation with a fresh token id and uses at 0, record it, and sign its link."""
    invitation.token_id = secrets.token_hex(16)
    invitation.uses = 0
    session.add(invitation)
    await session.flush()
    await audit_service.record(
        session, principal=principal, action="survey_invitation.create", object_type="SurveyInvitation",
        object_id=invitation.id, organization_id=invitation.client_id,
        details={"touchpoint": invitation.touchpoint.value, "contact_id": invitation.contact_id,
                 "trigger": invitation.trigger.value, "max_uses": invitation.max_uses,
                 "expires_at": invitation.expires_at.isoformat()},
    )
    return IssuedInvitation(invitation=invitation, link=survey_link(invitation, settings=settings))


def survey_link(invitation: SurveyInvitation, *, settings: Settings) -> str:
    """The signed link of a stored invitation; the same invitation and key always give the same link."""
    token = sign_token(settings=settings, token_type=SURVEY_TOKEN, subject=invitation.token_id,
                       ttl_seconds=int((invitation.expires_at - invitation.sent_at).total_seconds()),
                       now=invitation.sent_at, token_id=invitation.token_id,
                       extra_claims={"touchpoint": invitation.touchpoint.value})
    return f"{settings.public_url.rstrip('/')}/s/{token}"


async def _check_frequency_cap(session: AsyncSession, *, contact_id: int, now: datetime, cap_days: int) -> None:
    last_sent = await last_invited(session, contact_id=contact_id, now=now, cap_days=cap_days)
    if last_sent is not None:
        next_allowed = (last_sent + timedelta(days=cap_days)).date().isoformat()
        raise Conflict(
            f"this contact was invited on {last_sent.date().isoformat()}; "
            f"to respect the {cap_days}-day frequency cap, invite them again from {next_allowed}",
            field="contactEmail",
        )


async def last_invited(session: AsyncSession, *, contact_id: int, now: datetime, cap_days: int) -> datetime | None:
    """When the contact was last invited within the frequency cap's window, or None when they may be invited.

    The contact's user row stays locked until the transaction ends, so two invitations racing for one contact take
    turns: the second sees the first and is refused. (SQLite's write lock already serializes them.)
    """
    if cap_days <= 0:
        return None
    await session.execute(select(User.id).where(User.id == contact_id).with_for_update())
    return await session.scalar(
        select(func.max(SurveyInvitation.sent_at)).where(
            SurveyInvitation.contact_id == contact_id, SurveyInvitation.sent_at > now - timedelta(days=cap_days)
        )
    )
