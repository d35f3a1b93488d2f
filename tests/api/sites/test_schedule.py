"""Scheduled rebuilds: due times in the client's time zone, across DST, and queueing when due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.kit.errors import Validator
from api.sites import build_queue
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild
from api.sites.schedule import check_schedule, next_due
from tests.fixtures.factories import make_client

NEW_YORK = ZoneInfo("America/New_York")


def _local(*args: int, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime(*args, tzinfo=zone)


def test_weekday_mornings_in_the_clients_time_zone() -> None:
    friday_evening = _local(2026, 11, 20, 18, 0)
    due = next_due("0 6 * * 1-5", "America/New_York", after=friday_evening)
    assert due == _local(2026, 11, 23, 6, 0).astimezone(UTC)
    assert due.tzinfo is UTC
    tokyo = next_due("0 6 * * *", "Asia/Tokyo", after=friday_evening)  # already Saturday 08:00 in Tokyo
    assert tokyo == datetime(2026, 11, 22, 6, 0, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)


def test_a_time_skipped_by_spring_forward_runs_once_just_after_the_gap() -> None:
    due = next_due("30 2 * * *", "America/New_York", after=_local(2026, 3, 7, 12, 0))
    assert due.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 0)
    following = next_due("30 2 * * *", "America/New_York", after=due)
    assert following.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 9, 2, 30)


@pytest.mark.parametrize("after", [_local(2026, 10, 31, 12, 0), _local(2026, 11, 1, 1, 30, 0), _local(2026, 11, 1, 1, 45)])
def test_a_time_repeated_by_fall_back_runs_only_once(after: datetime) -> None:
    dues = []
    for _ in range(2):
        after = next_due("30 1 * * *", "America/New_York", after=after)
        dues.append(after)
    nights = [due.astimezone(NEW_YORK).date() for due in dues]
    assert len(set(nights)) == 2, dues
    assert all(due.astimezone(NEW_YORK).hour == 1 and due.astimezone(NEW_YORK).minute == 30 for due in dues)


def test_bad_schedules_and_time_zones_are_named() -> None:
    validator = Validator()
    check_schedule(validator, schedule="every morning", time_zone="Mars/Olympus")
    assert {problem.field for problem in validator.problems} == {"schedule", "timeZone"}
    validator = Validator()
    check_schedule(validator, schedule="0 6 * * 1-5", time_zone="Europe/Berlin")
    assert validator.problems == []


async def test_due_sites_get_one_scheduled_build_and_their_next_time(session: AsyncSession) -> None:
    client = await make_client(session)
    site = await session.scalar(select(Site).where(Site.client_id == client.id))
    site.schedule, site.time_zone = "0 6 * * *", "UTC"
    now = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)

    assert await build_queue.queue_scheduled_builds(session, now=now) == []  # first pass only plans
    assert site.next_build_at == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)

    later = now + timedelta(days=1)
    first = await build_queue.queue_scheduled_builds(session, now=later)
    again = await build_queue.queue_scheduled_builds(session, now=later + timedelta(days=1))
    assert [build.id for build in first] == [build.id for build in again]  # still queued: joined, not doubled
    builds = list(await session.scalars(select(SiteBuild).where(SiteBuild.client_id == client.id)))
    assert [(b.trigger, b.state) for b in builds] == [(BuildTrigger.SCHEDULE, BuildState.QUEUED)]
    assert site.next_build_at == datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
