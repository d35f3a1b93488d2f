"""The weekly digest: on Monday 08:00 in each site's time zone, the week's published reports, milestones that
moved or slipped and risks raised to the client, for the people who chose WEEKLY_DIGEST. The digest says only
what its recipient may read through the API; an empty week sends nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.changes.events import event_of, record_event
from api.changes.models import OutboxEvent
from api.delivery.events import WeeklyDigestDue
from api.kit.columns import utcnow
from api.sites.models import Site

DIGEST_SCHEDULE = "0 8 * * 1"  # Monday 08:00, local to the site
MILESTONE_EVENTS = ("MilestoneChanged", "MilestoneProgressReported", "MilestoneSubmitted", "MilestoneDecided")
ITEM_EVENTS = ("ReportPublished", "RiskChanged", *MILESTONE_EVENTS)


def last_due(now: datetime, time_zone: str) -> datetime:
    """The latest Monday 08:00 in `time_zone` at or before `now`, in UTC."""
    local = now.astimezone(ZoneInfo(time_zone))
    due = croniter(DIGEST_SCHEDULE, local + timedelta(seconds=1)).get_prev(datetime)
    return due.astimezone(ZoneInfo("UTC"))


async def record_due_digests(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Record a WeeklyDigestDue for every enabled site whose Monday 08:00 has passed since its last one."""
    now = now or utcnow()
    last = dict((await session.execute(
        select(OutboxEvent.client_id, func.max(OutboxEvent.occurred_at))
        .where(OutboxEvent.kind == WeeklyDigestDue.kind).group_by(OutboxEvent.client_id))).all())
    recorded = 0
    for client_id, time_zone in (await session.execute(
            select(Site.client_id, Site.time_zone).where(Site.enabled.is_(True)).order_by(Site.client_id))).all():
        due = last_due(now, time_zone)
        if last.get(client_id) is None or last[client_id] < due:
            record_event(session, WeeklyDigestDue(client_id=client_id, actor_user_id=None,
                                                  since=(due - timedelta(days=7)).isoformat(), until=due.isoformat()),
                         occurred_at=now)
            recorded += 1
    await session.flush()
    return recorded


async def week_items(session: AsyncSession, *, client_id: int, since: datetime,
                     until: datetime) -> dict[str, list[int]]:
    """The ids the week's events name, by kind: reports published, milestones moved, risks raised or shown."""
    rows = await session.scalars(select(OutboxEvent).where(
        OutboxEvent.client_id == client_id, OutboxEvent.kind.in_(ITEM_EVENTS),
        OutboxEvent.occurred_at >= since, OutboxEvent.occurred_at < until).order_by(OutboxEvent.id))
    items: dict[str, list[int]] = {"reports": [], "milestones": [], "risks": []}
    for row in rows:
        event = event_of(row)
        if event is None:
            continue
        if row.kind == "ReportPublished":
            _add(items["reports"], event.report_id)  # type: ignore[attr-defined]
        elif row.kind == "RiskChanged":
            shown = event.created or "visibility" in event.fields  # type: ignore[attr-defined]
            if shown and event.visibility == "CLIENT":  # type: ignore[attr-defined]
                _add(items["risks"], event.risk_id)  # type: ignore[attr-defined]
        else:
            _add(items["milestones"], event.milestone_id)  # type: ignore[attr-defined]
    return items


def _add(ids: list[int], value: int) -> None:
    if value not in ids:
        ids.append(value)
