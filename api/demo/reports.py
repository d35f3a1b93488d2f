"""Twelve months of weekly and monthly status reports for the demo projects."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.demo import delivery_texts as texts
from api.demo.dates import at_utc, months_between, reporting_window_start, weeks_between
from api.demo.projects import CENTS, SeededProject
from api.projects.models import Health, ProjectStatus
from api.reports.models import ReportCadence, ReportState, StatusReport


async def add_status_reports(
    *, session: AsyncSession, rng: random.Random, projects: list[SeededProject], today: date
) -> None:
    """Add each started project's reports since its start or twelve months back; the latest ones are drafts."""
    for seeded in projects:
        periods = _report_periods(seeded=seeded, today=today)
        drafts = _draft_count(rng=rng, seeded=seeded)
        seeded.reports = [
            _status_report(rng=rng, seeded=seeded, period=period, published=index < len(periods) - drafts)
            for index, period in enumerate(periods)
        ]
        session.add_all(seeded.reports)
        await session.flush()


def _draft_count(*, rng: random.Random, seeded: SeededProject) -> int:
    """Closed projects have published everything; a weekly report may run a week behind."""
    if seeded.project.status is ProjectStatus.CLOSED:
        return 0
    return rng.choice((1, 1, 2)) if seeded.spec.cadence is ReportCadence.WEEKLY else 1


def _report_periods(*, seeded: SeededProject, today: date) -> list[tuple[date, date]]:
    project = seeded.project
    if project.status is ProjectStatus.PLANNED:
        return []
    first = max(project.start_date, reporting_window_start(today))
    if seeded.spec.cadence is ReportCadence.WEEKLY:
        periods = weeks_between(first, today)
    else:
        periods = months_between(first, today)
    return [(start, min(end, project.end_date)) for start, end in periods if start <= project.end_date]


def _status_report(
    *, rng: random.Random, seeded: SeededProject, period: tuple[date, date], published: bool
) -> StatusReport:
    project, cadence = seeded.project, seeded.spec.cadence
    period_start, period_end = period
    health = seeded.health_on(period_end)
    percent = seeded.percent_complete_on(period_end)
    upcoming = [m for m in seeded.milestones if m.forecast_date > period_end]
    next_item, next_date = ("project closeout", project.end_date)
    if upcoming:
        next_item, next_date = upcoming[0].name, upcoming[0].forecast_date
    summary_facts = {
        "project": project.name, "percent": percent, "next_item": next_item, "next_date": next_date.isoformat()
    }
    if seeded.hold_date and period_end >= seeded.hold_date:
        summary = texts.ON_HOLD_SUMMARY.format(**summary_facts)
    else:
        summary = rng.choice(texts.SUMMARIES[health[0]]).format(**summary_facts)
    accepted = [
        texts.ACCEPTED_LINE.format(item=m.name, client=seeded.client.organization.name)
        for m in seeded.milestones
        if m.accepted_at is not None and period_start <= m.accepted_at.date() <= period_end
    ]
    accomplishments = [*accepted, *rng.sample(texts.ACCOMPLISHMENTS, 2)]
    next_steps = [texts.NEXT_ITEM_LINE.format(item=next_item, date=next_date.isoformat()), rng.choice(texts.NEXT_STEPS)]
    if cadence is ReportCadence.WEEKLY:
        title = f"Weekly status — week of {(period_end - timedelta(days=period_end.weekday())).isoformat()}"
    else:
        title = f"Monthly status — {period_start:%B %Y}"
    report = StatusReport(
        project_id=project.id,
        cadence=cadence,
        state=ReportState.PUBLISHED if published else ReportState.DRAFT,
        period_start=period_start,
        period_end=period_end,
        title=title,
        summary=summary,
        accomplishments="\n".join(f"- {line}" for line in accomplishments),
        next_steps="\n".join(f"- {line}" for line in next_steps),
        issues=texts.NO_ISSUES if health[0] is Health.GREEN else rng.choice(texts.OPEN_ISSUES),
        internal_notes=rng.choice(texts.INTERNAL_NOTES) if rng.random() < 0.6 else "",
        author_id=seeded.manager.id,
        created_at=at_utc(period_end, 12),
    )
    if published:
        (report.health_overall, report.health_schedule, report.health_cost, report.health_scope,
         report.health_quality) = health
        report.percent_complete = percent
        report.metrics = _metrics(seeded=seeded, day=period_end, percent=percent)
        report.published_at = at_utc(period_end + timedelta(days=1), rng.randint(14, 20), rng.choice((0, 10, 25, 40)))
        report.published_by_id = seeded.manager.id
    report.updated_at = report.published_at or report.created_at
    return report


def _metrics(*, seeded: SeededProject, day: date, percent: int) -> dict[str, Any]:
    project = seeded.project
    metrics: dict[str, Any] = {
        "milestones_accepted": sum(1 for m in seeded.milestones if m.accepted_at and m.accepted_at.date() <= day),
        "milestones_total": len(seeded.milestones),
    }
    if project.financials_shared and project.percent_complete:
        cost_to_date = project.actual_cost * min(percent, project.percent_complete) / project.percent_complete
        metrics["actual_cost_to_date"] = str(cost_to_date.quantize(CENTS))
        metrics["currency"] = project.currency
    return metrics
