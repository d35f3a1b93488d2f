"""Survey invitations the PMO's own events start: a report published, a deliverable accepted, a project closed.

Each of the client's contacts and executives is invited, except those the frequency cap protects. The links are
signed but not sent anywhere: there is no mail transport, and a link is shown only at its creation. These run
as reactions to committed events (api.flows), as the system on behalf of the person whose act started them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, Role, User
from api.cx.models import Touchpoint
from api.cx.surveys.models import InvitationTrigger, SurveyInvitation
from api.cx.surveys.service import IssuedInvitation, issue_invitation, last_invited
from api.kit.columns import utcnow
from api.projects.models import MilestoneKind
from api.settings import Settings

INVITED_ROLES = (Role.CLIENT_CONTACT, Role.CLIENT_EXECUTIVE)


async def invite_for_report(session: AsyncSession, *, actor_user_id: int | None, client_id: int, project_id: int,
                            report_id: int, settings: Settings, only: Collection[int] | None = None,
                            now: datetime | None = None) -> list[IssuedInvitation]:
    """Invite the client's people (those in `only`, when given) to rate a published status report."""
    return await _invite_contacts(session, actor_user_id=actor_user_id, settings=settings, now=now, only=only,
                                  client_id=client_id, project_id=project_id, touchpoint=Touchpoint.STATUS_REPORT,
                                  report_id=report_id)


async def invite_for_acceptance(session: AsyncSession, *, actor_user_id: int | None, client_id: int, project_id: int,
                                milestone_id: int, kind: MilestoneKind, settings: Settings,
                                only: Collection[int] | None = None,
                                now: datetime | None = None) -> list[IssuedInvitation]:
    """Invite the client's people to rate an accepted deliverable; an accepted plain milestone invites nobody."""
    if kind is not MilestoneKind.DELIVERABLE:
        return []
    return await _invite_contacts(session, actor_user_id=actor_user_id, settings=settings, now=now, only=only,
                                  client_id=client_id, project_id=project_id,
                                  touchpoint=Touchpoint.DELIVERABLE_ACCEPTANCE, milestone_id=milestone_id)


async def invite_for_closeout(session: AsyncSession, *, actor_user_id: int | None, client_id: int, project_id: int,
                              settings: Settings, only: Collection[int] | None = None,
                              now: datetime | None = None) -> list[IssuedInvitation]:
    """Invite the client's people to rate a project that closed."""
    return await _invite_contacts(session, actor_user_id=actor_user_id, settings=settings, now=now, only=only,
                                  client_id=client_id, project_id=project_id, touchpoint=Touchpoint.CLOSEOUT)


async def _invite_contacts(session: AsyncSession, *, actor_user_id: int | None, settings: Settings, now: datetime | None,
                           only: Collection[int] | None, client_id: int, project_id: int, touchpoint: Touchpoint, report_id: int | None = None,
                           milestone_id: int | None = None) -> list[IssuedInvitation]:
    now = (now or utcnow()).replace(microsecond=0)
    contact_ids = await session.scalars(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == client_id, Membership.role.in_(INVITED_ROLES), User.is_active.is_(True))
        .order_by(User.id)
    )
    issued = []
    for contact_id in contact_ids.all():
        if only is not None and contact_id not in only:
            continue
        if await last_invited(session, contact_id=contact_id, now=now, cap_days=settings.survey_frequency_cap_days):
            continue
        invitation = SurveyInvitation(
            client_id=client_id, project_id=project_id, contact_id=contact_id, touchpoint=touchpoint,
            trigger=InvitationTrigger.EVENT, report_id=report_id, milestone_id=milestone_id, max_uses=1,
            sent_at=now, expires_at=now + timedelta(days=settings.survey_link_ttl_days),
            created_by_id=actor_user_id,
        )
        issued.append(await issue_invitation(session, principal=None, settings=settings, invitation=invitation))
    return issued
