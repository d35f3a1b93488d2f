"""Calendar arithmetic for the demo data set; every date is derived from a given `today`."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from api.kit.dates import add_months

__all__ = ["add_months", "at_utc", "months_between", "reporting_window_start", "weeks_between"]

REPORTING_DAYS = 365


def at_utc(day: date, hour: int, minute: int = 0) -> datetime:
    """A timezone-aware UTC datetime on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def reporting_window_start(today: date) -> date:
    """The first day of the twelve months of history before `today`."""
    return today - timedelta(days=REPORTING_DAYS)


def weeks_between(first: date, last: date) -> list[tuple[date, date]]:
    """Monday-to-Sunday weeks from the week of `first` (cut at `first`) that end before `last`."""
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday + timedelta(days=6) < last:
        weeks.append((max(monday, first), monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return weeks


def months_between(first: date, last: date) -> list[tuple[date, date]]:
    """Calendar months from the month of `first` that end before `last`, the first one cut at `first`."""
    months = []
    month_start = first
    while True:
        month_end = month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])
        if month_end >= last:
            return months
        months.append((month_start, month_end))
        month_start = month_end + timedelta(days=1)
