"""When a client's site is due for its scheduled rebuild (cron in the client's time zone)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from api.kit.errors import Validator


def check_schedule(validator: Validator, *, schedule: str | None, time_zone: str | None) -> None:
    """Record a problem for a cron expression or IANA time zone that cannot be used."""
    if schedule is not None:
        validator.check(croniter.is_valid(schedule) and len(schedule) <= 120, "schedule",
                        f"{schedule!r} is not a cron expression (e.g. '0 6 * * 1-5')")
    if time_zone is not None:
        validator.check(_is_time_zone(time_zone), "timeZone", f"{time_zone!r} is not an IANA time zone")


def next_due(schedule: str, time_zone: str, *, after: datetime) -> datetime:
    """The first scheduled time strictly after `after`, in UTC.

    On the night clocks fall back, a wall-clock time that happens twice is due only once.
    """
    zone = ZoneInfo(time_zone)
    times = croniter(schedule, after.astimezone(zone))
    due: datetime = times.get_next(datetime)
    while _second_occurrence(due, zone):
        due = times.get_next(datetime)
    return due.astimezone(UTC)


def _second_occurrence(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether `moment` is the repeat of a wall-clock time that the fall-back night shows twice."""
    wall = moment.replace(tzinfo=None)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    return first.utcoffset() != second.utcoffset() and moment.utcoffset() == second.utcoffset()


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
