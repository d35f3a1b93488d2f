"""The weekly digest: due Monday 08:00 in the site's time zone, once a week, only to people who chose it, with
only what they may read, and nothing for an empty week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import User
from api.changes.models import OutboxEvent
from api.delivery import preferences as preference_service
from api.delivery.digests import last_due, record_due_digests
from api.delivery.models import Delivery, DeliveryState, NoticeKind, ReportNotices
from api.kit.columns import utcnow
from api.projects import milestone_service, risk_service
from api.projects.milestone_service import MilestoneFields
from api.projects.models import RiskKind, Visibility
from api.projects.risk_service import RiskFields
from api.settings import Settings
from api.sites.models import Site
from tests.api.delivery.world import INTERNAL_RISK, MailWorld, publish, react_and_send
from tests.fixtures.mail import Inbox


def test_the_digest_is_due_at_the_last_monday_eight_oclock_in_the_sites_time_zone() -> None:
    wednesday = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
    assert last_due(wednesday, "UTC") == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert last_due(wednesday, "America/New_York") == datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    monday_early = datetime(2026, 12, 7, 7, 59, tzinfo=ZoneInfo("Europe/Paris"))
    assert last_due(monday_early, "Europe/Paris") == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert last_due(datetime(2026, 12, 7, 7, 0, tzinfo=UTC), "Europe/Paris") == datetime(2026, 12, 7, 7, 0,
                                                                                          tzinfo=UTC)


def _next_monday_morning(after: datetime) -> datetime:
    """The first Monday 08:30 UTC after `after`."""
    day = after.date() + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)


async def _week_of_work(sessions: async_sessionmaker[AsyncSession], world: MailWorld) -> None:
    await publish(sessions, world)
    async with sessions() as session:
        await milestone_service.update_milestone(session, principal=world.staff, milestone_id=world.deliverable_id,
                                                 fields=MilestoneFields(forecast_date=datetime(2026, 7, 20).date()))
        await risk_service.create_risk(session, principal=world.staff, project_id=world.project_id, fields=RiskFields(
            kind=RiskKind.RISK, title="Vendor licence renewal", probability=3, impact=3, owner_name="Pat",
            visibility=Visibility.CLIENT, mitigation="Renewal started early"))
        await risk_service.create_risk(session, principal=world.staff, project_id=world.project_id, fields=RiskFields(
            kind=RiskKind.RISK, title=f"{INTERNAL_RISK} (this week)", probability=3, impact=3, owner_name="Pat",
            visibility=Visibility.INTERNAL))
        await session.execute(update(Site).where(Site.client_id == world.client_id).values(time_zone="UTC"))
        await session.commit()


async def _choose_digest(sessions: async_sessionmaker[AsyncSession], email: str, client_id: int) -> None:
    async with sessions() as session:
        user_id = await session.scalar(select(User.id).where(User.email == email))
        await preference_service.set_preferences(session, user_id=user_id, client_id=client_id, principal=None,
                                                 report_notices=ReportNotices.WEEKLY_DIGEST)
        await session.commit()


async def _record(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    async with sessions() as session:
        recorded = await record_due_digests(session, now=now)
        await session.commit()
        return recorded


async def test_monday_brings_one_digest_of_the_week_to_those_who_chose_it(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await _choose_digest(sessions, world.executive_email, world.client_id)
    await _week_of_work(sessions, world)
    transport = smtp_server.transport()
    await react_and_send(sessions, app_settings, transport)  # the week's own notices: the contact's, as they happen
    assert [m["To"] for m in smtp_server.messages] == [world.contact_email]

    monday = _next_monday_morning(utcnow())
    assert await _record(sessions, monday) >= 1
    assert await _record(sessions, monday + timedelta(hours=3)) == 0  # once a week
    await react_and_send(sessions, app_settings, transport)
    digests = [m for m in smtp_server.messages if "your week" in m["Subject"]]
    assert [m["To"] for m in digests] == [world.executive_email]
    text = digests[0].get_body(("plain",)).get_content()
    assert world.report_title in text and "Training kit" in text and "Vendor licence renewal" in text
    assert INTERNAL_RISK not in digests[0].as_string()
    assert "List-Unsubscribe" in digests[0]


async def test_an_empty_week_sends_no_digest(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await _choose_digest(sessions, world.executive_email, world.client_id)
    async with sessions() as session:  # everything that happened, happened long ago
        await session.execute(update(OutboxEvent).values(occurred_at=utcnow() - timedelta(days=60)))
        await session.commit()
    await _record(sessions, _next_monday_morning(utcnow()))
    await react_and_send(sessions, app_settings, smtp_server.transport())
    assert smtp_server.messages == []
    async with sessions() as session:
        states = set(await session.scalars(select(Delivery.state).where(Delivery.kind == NoticeKind.WEEKLY_DIGEST)))
    assert states == {DeliveryState.SUPPRESSED}
