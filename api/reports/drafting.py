"""What a draft status report may hold: the fields a PMO writes, their rules, and applying them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from api.audit.changes import apply_changes
from api.kit.errors import Validator
from api.reports.models import ReportCadence, StatusReport

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_PERIOD_DAYS = {ReportCadence.WEEKLY: 7, ReportCadence.MONTHLY: 31}
TEXTS = ("summary", "accomplishments", "next_steps", "issues", "internal_notes")


@dataclass(frozen=True)
class ReportFields:
    """The fields of a report a PMO writes; None leaves a field as it is (blank text on a new report)."""

    cadence: ReportCadence | None = None
    period_start: date | None = None
    period_end: date | None = None
    title: str | None = None
    summary: str | None = None
    accomplishments: str | None = None
    next_steps: str | None = None
    issues: str | None = None
    internal_notes: str | None = None


_NEW_REPORT = ReportFields(**dict.fromkeys(TEXTS, ""))


def input_name(name: str) -> str:
    """The GraphQL input field for a report attribute (`period_start` -> `periodStart`)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def merged_fields(report: StatusReport | None, changes: ReportFields) -> ReportFields:
    """What a report (or a new one, for None) holds once `changes` apply, texts trimmed."""
    base = report if report is not None else _NEW_REPORT
    values = {}
    for field in fields(ReportFields):
        given = getattr(changes, field.name)
        if isinstance(given, str):
            given = given.strip()
        values[field.name] = getattr(base, field.name) if given is None else given
    return ReportFields(**values)


def validate_fields(wanted: ReportFields, *, amended: StatusReport | None) -> None:
    """Raise ValidationFailed listing every rule `wanted` breaks; an amendment keeps its original's period."""
    validator = Validator()
    for name in ("cadence", "period_start", "period_end"):
        validator.check(getattr(wanted, name) is not None, input_name(name), f"{input_name(name)} is required")
    validator.check(1 <= len(wanted.title or "") <= MAX_TITLE, "title", f"title must be 1 to {MAX_TITLE} characters")
    for name in TEXTS:
        text = getattr(wanted, name) or ""
        field = input_name(name)
        validator.check(len(text) <= MAX_TEXT, field, f"{field} must be at most {MAX_TEXT} characters")
    start, end, cadence = wanted.period_start, wanted.period_end, wanted.cadence
    if start is not None and end is not None:
        validator.check(start <= end, "periodEnd", "periodEnd must not be before periodStart")
        if cadence is not None and start <= end:
            limit = MAX_PERIOD_DAYS[cadence]
            validator.check((end - start).days < limit, "periodEnd",
                            f"a {cadence.value.lower()} report covers at most {limit} days")
    if amended is not None:
        validator.check(cadence == amended.cadence, "cadence",
                        f"an amendment keeps the cadence of the report it amends ({amended.cadence.value})")
        validator.check((start, end) == (amended.period_start, amended.period_end), "periodStart",
                        "an amendment covers the period of the report it amends "
                        f"({amended.period_start.isoformat()} to {amended.period_end.isoformat()})")
    validator.raise_if_any()


def apply_fields(report: StatusReport, wanted: ReportFields) -> list[str]:
    """Set `wanted` on `report`; the input names of the fields that changed."""
    changed = apply_changes(report, {field.name: getattr(wanted, field.name) for field in fields(ReportFields)})
    return [input_name(name) for name in changed]
