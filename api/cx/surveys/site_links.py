"""Site-wide survey links: one long-lived, many-use link per touchpoint for a client's microsite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.models import Touchpoint
from api.cx.surveys.models import InvitationTrigger, SurveyInvitation
from api.cx.surveys.service import issue_invitation, survey_link
from api.kit.columns import utcnow
from api.settings import Settings

SITE_LINK_USES = 100_000
SITE_LINK_LIFETIME = timedelta(days=365)
SITE_LINK_RENEWAL = timedelta(days=30)


async def site_survey_links(session: AsyncSession, *, settings: Settings, client_id: int,
                            now: datetime | None = None) -> dict[Touchpoint, str]:
    """One link per touchpoint for the client's site, reusing each one until it has 30 days or fewer of use left."""
    now = (now or utcnow()).replace(microsecond=0)
    by_touchpoint = (await _usable(session, client_ids=[client_id], now=now)).get(client_id, {})
    links: dict[Touchpoint, str] = {}
    for touchpoint in Touchpoint:
        invitation = by_touchpoint.get(touchpoint)
        if invitation is None:
            fresh = SurveyInvitation(client_id=client_id, touchpoint=touchpoint, trigger=InvitationTrigger.SITE,
                                     max_uses=SITE_LINK_USES, sent_at=now, expires_at=now + SITE_LINK_LIFETIME)
            links[touchpoint] = (await issue_invitation(session, principal=None, settings=settings,
                                                        invitation=fresh)).link
        else:
            links[touchpoint] = survey_link(invitation, settings=settings)
    return links


async def current_site_survey_links(session: AsyncSession, *, settings: Settings, client_ids: Sequence[int],
                                    now: datetime | None = None) -> dict[int, dict[Touchpoint, str]]:
    """The site links of each client that has a usable one for every touchpoint (what site_survey_links would
    return without issuing any), in one read; a client that needs a new link is left out."""
    now = (now or utcnow()).replace(microsecond=0)
    usable = await _usable(session, client_ids=client_ids, now=now)
    return {client_id: {touchpoint: survey_link(invitation, settings=settings)
                        for touchpoint, invitation in by_touchpoint.items()}
            for client_id, by_touchpoint in usable.items() if len(by_touchpoint) == len(Touchpoint)}


async def _usable(session: AsyncSession, *, client_ids: Sequence[int],
                  now: datetime) -> dict[int, dict[Touchpoint, SurveyInvitation]]:
    """Per client, the oldest site link of each touchpoint with more than the renewal margin of use left."""
    rows = await session.scalars(
        select(SurveyInvitation)
        .where(SurveyInvitation.client_id.in_(client_ids), SurveyInvitation.trigger == InvitationTrigger.SITE,
               SurveyInvitation.contact_id.is_(None), SurveyInvitation.expires_at > now + SITE_LINK_RENEWAL,
               SurveyInvitation.uses < SurveyInvitation.max_uses)
        .order_by(SurveyInvitation.sent_at, SurveyInvitation.id)
    )
    usable: dict[int, dict[Touchpoint, SurveyInvitation]] = {}
    for invitation in rows:
        usable.setdefault(invitation.client_id, {}).setdefault(invitation.touchpoint, invitation)
    return usable


async def revoke_site_survey_links(session: AsyncSession, *, client_id: int, now: datetime | None = None) -> int:
    """Close every site-wide link of a client at once (its site moved to a new secret address); how many were open."""
    now = (now or utcnow()).replace(microsecond=0)
    closed = await session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.client_id == client_id, SurveyInvitation.trigger == InvitationTrigger.SITE,
               SurveyInvitation.contact_id.is_(None), SurveyInvitation.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session="fetch", touches_clients=[client_id]))
    return closed.rowcount
