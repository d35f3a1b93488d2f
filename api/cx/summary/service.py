"""CX summaries: the responses, invitations and mystery shops of a window, gathered for the metrics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.permissions import sees_internal
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.cx.feedback.models import Feedback
from api.cx.metrics import Response
from api.cx.mystery_shops.models import MysteryShop
from api.cx.surveys.models import SurveyInvitation
from api.kit.columns import utcnow
from api.kit.errors import InvalidInput

DEFAULT_WINDOW_MONTHS = 12
LONGEST_WINDOW = timedelta(days=3653)  # ten years


EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # the dates a summary may name


@dataclass(frozen=True)
class CxWindow:
    """The dates a summary covers, both included, in UTC."""

    start: date
    end: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The window as a half-open range of instants."""
        return (datetime.combine(self.start, time.min, tzinfo=UTC),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC))


def cx_window(*, start: date | None, end: date | None, today: date | None = None) -> CxWindow:
    """The window from `start` to `end`; by default the twelve calendar months up to today."""
    end = end or today or utcnow().date()
    for name, day in (("to", end), ("from", start)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise InvalidInput(f"`{name}` must lie between {EARLIEST_DAY} and {LATEST_DAY}", field=name)
    if start is None:
        months = end.year * 12 + end.month - DEFAULT_WINDOW_MONTHS
        start = date(months // 12, months % 12 + 1, 1)
    if start > end:
        raise InvalidInput("`from` must not be after `to`", field="from")
    if end - start > LONGEST_WINDOW:
        raise InvalidInput("a CX summary covers at most ten years", field="from")
    return CxWindow(start=start, end=end)


@dataclass
class CxSummaryData:
    """Everything one summary's metrics are computed from; mystery shops are None unless the viewer sees them."""

    window: CxWindow
    minimum: int
    responses: list[Response] = field(default_factory=list)
    invitations_counted: int = 0
    invitations_answered: int = 0
    mystery_shop_count: int | None = None
    mystery_shop_points: float = 0.0

    @property
    def mystery_shop_score(self) -> float | None:
        """The mean mystery-shop score in percent, or None without shops or when they are not shown."""
        return self.mystery_shop_points / self.mystery_shop_count if self.mystery_shop_count else None


async def cx_summary(session: AsyncSession, *, principal: Principal, window: CxWindow, minimum: int,
                     client_id: int | None = None, project_id: int | None = None,
                     now: datetime | None = None) -> CxSummaryData:
    """The summary of the visible responses in the window: portfolio-wide, or for one client or project."""
    client_ids = None if client_id is None else [client_id]
    found = await _gather(session, principal=principal, window=window, minimum=minimum, client_ids=client_ids,
                          project_id=project_id, per_client=False, now=now or utcnow())
    return found.get(None) or _empty(principal, window, minimum)


async def cx_summaries_by_client(session: AsyncSession, *, principal: Principal, window: CxWindow, minimum: int,
                                 client_ids: Sequence[int], now: datetime | None = None) -> list[CxSummaryData]:
    """One summary per client, in `client_ids` order, from the same three queries whatever their number."""
    found = await _gather(session, principal=principal, window=window, minimum=minimum, client_ids=client_ids,
                          project_id=None, per_client=True, now=now or utcnow())
    return [found.get(client_id) or _empty(principal, window, minimum) for client_id in client_ids]


def _empty(principal: Principal, window: CxWindow, minimum: int) -> CxSummaryData:
    return CxSummaryData(window=window, minimum=minimum, mystery_shop_count=0 if sees_internal(principal) else None)


async def _gather(session: AsyncSession, *, principal: Principal, window: CxWindow, minimum: int,
                  client_ids: Sequence[int] | None, project_id: int | None, per_client: bool,
                  now: datetime) -> dict[int | None, CxSummaryData]:
    summaries: dict[int | None, CxSummaryData] = defaultdict(lambda: _empty(principal, window, minimum))
    start, end = window.bounds

    def restrict(statement: Any, entity: Any) -> Any:
        statement = scoped(statement, entity, principal)
        if client_ids is not None:
            statement = statement.where(entity.client_id.in_(client_ids))
        if project_id is not None:
            statement = statement.where(entity.project_id == project_id)
        return statement

    responses = await session.execute(restrict(
        select(Feedback.client_id, Feedback.submitted_at, Feedback.touchpoint, Feedback.csat, Feedback.nps,
               Feedback.ces, Feedback.pain_points)
        .where(Feedback.submitted_at >= start, Feedback.submitted_at < end)
        .order_by(Feedback.submitted_at, Feedback.id), Feedback))
    for client_id, submitted_at, touchpoint, csat, nps, ces, pain_points in responses:
        summaries[client_id if per_client else None].responses.append(Response(
            submitted_on=submitted_at.date(), touchpoint=touchpoint, csat=csat, nps=nps, ces=ces,
            pain_points=tuple(pain_points or ())))

    # An invitation still open (neither answered nor expired) may yet be answered, so it does not count yet.
    invitations = await session.execute(restrict(
        select(SurveyInvitation.client_id, func.count(SurveyInvitation.id), func.count(SurveyInvitation.responded_at))
        .where(SurveyInvitation.sent_at >= start, SurveyInvitation.sent_at < end,
               or_(SurveyInvitation.responded_at.is_not(None), SurveyInvitation.expires_at <= now))
        .group_by(SurveyInvitation.client_id), SurveyInvitation))
    for client_id, counted, answered in invitations:
        summary = summaries[client_id if per_client else None]
        summary.invitations_counted += counted
        summary.invitations_answered += answered

    if sees_internal(principal):
        shops = await session.execute(restrict(
            select(MysteryShop.client_id, func.count(MysteryShop.id), func.sum(MysteryShop.score_percent))
            .where(MysteryShop.conducted_on >= window.start, MysteryShop.conducted_on <= window.end)
            .group_by(MysteryShop.client_id), MysteryShop))
        for client_id, count, points in shops:
            summary = summaries[client_id if per_client else None]
            summary.mystery_shop_count = (summary.mystery_shop_count or 0) + count
            summary.mystery_shop_points += float(points)
    return summaries
