"""Notification preferences: per person and client, report notices EACH, WEEKLY_DIGEST or OFF, decisions ON or OFF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.models import Membership, Role
from api.auth.principal import Principal
from api.delivery.models import DecisionNotices, NoticeKind, NotificationPreference, ReportNotices
from api.kit.errors import Forbidden, Unauthenticated

NOTICE_ROLES = (Role.CLIENT_CONTACT, Role.CLIENT_EXECUTIVE)
# Notices addressed to one person about their own part (a decision, a survey, a comment naming them).
DECISION_KINDS = frozenset({NoticeKind.MILESTONE_SUBMITTED, NoticeKind.ACCEPTANCE_SURVEY, NoticeKind.CLOSEOUT_SURVEY,
                            NoticeKind.COMMENT_MENTION})


@dataclass(frozen=True)
class Preferences:
    client_id: int
    report_notices: ReportNotices = ReportNotices.EACH
    decision_notices: DecisionNotices = DecisionNotices.ON

    def wants(self, kind: NoticeKind) -> bool:
        """Whether this person receives a mail of `kind` as it happens (a digest reader gets reports weekly)."""
        if kind in DECISION_KINDS:
            return self.decision_notices is DecisionNotices.ON
        if kind is NoticeKind.WEEKLY_DIGEST:
            return self.report_notices is ReportNotices.WEEKLY_DIGEST
        return self.report_notices is ReportNotices.EACH


def _of(row: NotificationPreference | None, client_id: int) -> Preferences:
    if row is None:
        return Preferences(client_id=client_id)
    return Preferences(client_id=client_id, report_notices=row.report_notices, decision_notices=row.decision_notices)


async def preferences_of(session: AsyncSession, *, client_id: int, user_ids: Sequence[int]) -> dict[int, Preferences]:
    """The preferences of these people for one client, defaults where they chose nothing."""
    rows = await session.scalars(select(NotificationPreference).where(
        NotificationPreference.client_id == client_id, NotificationPreference.user_id.in_(user_ids)))
    found = {row.user_id: row for row in rows}
    return {user_id: _of(found.get(user_id), client_id) for user_id in user_ids}


async def viewer_preferences(session: AsyncSession, *, principal: Principal) -> list[Preferences]:
    """The viewer's preferences for every client whose notices they receive, by client id, in one read."""
    if principal.user_id is None:
        return []
    rows = await session.execute(
        select(Membership.organization_id, NotificationPreference)
        .outerjoin(NotificationPreference, and_(NotificationPreference.user_id == Membership.user_id,
                                                NotificationPreference.client_id == Membership.organization_id))
        .where(Membership.user_id == principal.user_id, Membership.role.in_(NOTICE_ROLES))
        .order_by(Membership.organization_id)
    )
    found: dict[int, Preferences] = {}
    for client_id, row in rows:
        found.setdefault(client_id, _of(row, client_id))
    return list(found.values())


async def update_preferences(session: AsyncSession, *, principal: Principal, client_id: int,
                             report_notices: ReportNotices | None = None,
                             decision_notices: DecisionNotices | None = None) -> Preferences:
    """Set the viewer's own preferences for a client whose notices they receive; omitted ones stay."""
    if principal.user_id is None:
        raise Unauthenticated("preferences belong to a person: sign in as one")
    receives = await session.scalar(select(Membership.id).where(
        Membership.user_id == principal.user_id, Membership.organization_id == client_id,
        Membership.role.in_(NOTICE_ROLES)))
    if receives is None:
        raise Forbidden("you receive no notices about this client", field="clientId")
    return await set_preferences(session, user_id=principal.user_id, client_id=client_id, principal=principal,
                                 report_notices=report_notices, decision_notices=decision_notices)


async def set_preferences(session: AsyncSession, *, user_id: int, client_id: int, principal: Principal | None,
                          report_notices: ReportNotices | None = None,
                          decision_notices: DecisionNotices | None = None) -> Preferences:
    """Store a person's preferences for a client (the API, or an unsubscribe link), and audit the change."""
    row = await session.scalar(select(NotificationPreference).where(
        NotificationPreference.user_id == user_id, NotificationPreference.client_id == client_id).with_for_update())
    if row is None:
        row = NotificationPreference(user_id=user_id, client_id=client_id, report_notices=ReportNotices.EACH,
                                     decision_notices=DecisionNotices.ON)
        session.add(row)
    if report_notices is not None:
        row.report_notices = report_notices
    if decision_notices is not None:
        row.decision_notices = decision_notices
    await session.flush()
    await audit_service.record(
        session, principal=principal, action="notification_preferences.update", object_type="User",
        object_id=user_id, organization_id=client_id,
        details={"report_notices": row.report_notices.value, "decision_notices": row.decision_notices.value,
                 "by": "api" if principal is not None else "unsubscribe link"},
    )
    return _of(row, client_id)
