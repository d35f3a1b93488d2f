"""The demo's earned-value history: each milestone's progress month by month, and a year of monthly costs, so the
executive pages' curves and indices tell each project's story."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from api.demo.dates import at_utc, months_between
from api.demo.projects import CENTS, LEAD_DAYS, SeededProject
from api.earned_value.compute import Baseline, Progress, WorkPackage, earned_value
from api.projects.models import (
    ActualCost,
    EarningRule,
    Health,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    ProjectStatus,
)

# What each unit of earned value cost; costs lag a month behind progress (a month is billed once it closes).
COST_RATE = {Health.GREEN: Decimal("0.96"), Health.AMBER: Decimal("1.14"), Health.RED: Decimal("1.25")}
CLOSED_RATE = Decimal("1.01")
COST_NOTES = ("Labour and licences, per the month's invoice", "Labour, travel and hosting",
              "Labour and subcontractor invoice")
CORRECTION_NOTE = "Correction: the subcontractor's invoice was billed twice"


async def add_earned_value_history(*, session: AsyncSession, projects: list[SeededProject], today: date) -> None:
    """Add every milestone's progress history and every project's monthly cost entries, up to `today`."""
    corrected = False
    for seeded in projects:
        progress = {milestone.id: _progress(seeded, milestone, today=today) for milestone in seeded.milestones}
        for rows in progress.values():
            session.add_all(rows)
        entries = _monthly_costs(seeded, progress, today=today)
        session.add_all(entries)
        seeded.project.actual_cost = sum((entry.amount for entry in entries), Decimal(0))
        await session.flush()
        if not corrected and len(entries) >= 3:  # one project shows how an entry is corrected, not edited
            corrected = True
            wrong = entries[-2]
            fixed = (wrong.amount * Decimal("0.8")).quantize(CENTS)
            session.add(ActualCost(project_id=wrong.project_id, period_end=wrong.period_end, amount=fixed,
                                   note=CORRECTION_NOTE, amends_id=wrong.id, recorded_by_id=seeded.manager.id,
                                   recorded_at=at_utc(min(today, wrong.period_end + timedelta(days=20)), 11)))
            seeded.project.actual_cost -= wrong.amount - fixed
    await session.flush()


def _progress(seeded: SeededProject, milestone: Milestone, *, today: date) -> list[MilestoneProgress]:
    """The milestone's path to where it stands today: not started, then month by month through its work (which
    began LEAD_DAYS before its forecast), then submitted, accepted or rejected on the days that happened."""
    start = seeded.project.start_date
    rows = [_row(milestone, min(start, today), 0, MilestoneStatus.NOT_STARTED)]
    if milestone.status is MilestoneStatus.NOT_STARTED:
        return rows
    work_begins = max(start, milestone.forecast_date - timedelta(days=LEAD_DAYS))
    done_on = milestone.completed_date or min(today, seeded.hold_date or today)
    final = 100 if milestone.status in (MilestoneStatus.SUBMITTED, MilestoneStatus.ACCEPTED) else \
        milestone.percent_complete
    span = max(1, (done_on - work_begins).days)
    for _, month_end in months_between(work_begins, min(done_on, today)):
        share = (month_end - work_begins).days / span
        rows.append(_row(milestone, month_end, max(1, min(final, round(final * share))),
                         MilestoneStatus.IN_PROGRESS))
    if milestone.status is MilestoneStatus.IN_PROGRESS:
        rows.append(_row(milestone, min(today, done_on), milestone.percent_complete, MilestoneStatus.IN_PROGRESS))
        return rows
    submitted_on = milestone.completed_date or min(today, milestone.forecast_date)
    rows.append(_row(milestone, submitted_on, 100, MilestoneStatus.SUBMITTED))
    if milestone.status is MilestoneStatus.ACCEPTED and milestone.accepted_at is not None:
        rows.append(_row(milestone, milestone.accepted_at.date(), 100, MilestoneStatus.ACCEPTED))
    elif milestone.status is MilestoneStatus.REJECTED:
        rows.append(_row(milestone, min(today, submitted_on + timedelta(days=5)), milestone.percent_complete,
                         MilestoneStatus.REJECTED))
    return rows


def _row(milestone: Milestone, on: date, percent: int, status: MilestoneStatus) -> MilestoneProgress:
    return MilestoneProgress(milestone_id=milestone.id, project_id=milestone.project_id, effective_on=on,
                             percent_complete=percent, status=status, recorded_at=at_utc(on, 17))


def _monthly_costs(seeded: SeededProject, progress: dict[int, list[MilestoneProgress]], *,
                   today: date) -> list[ActualCost]:
    """One entry per month closed so far: what the month's earned value cost at the rate the project's cost
    health tells (under budget when GREEN, over when AMBER or RED), so its CPI tells the same story."""
    project = seeded.project
    rate = CLOSED_RATE if project.status is ProjectStatus.CLOSED else COST_RATE[seeded.spec.health[2]]
    baseline = Baseline(start=project.start_date, budget=Decimal(project.budget_at_completion),
                        rule=EarningRule.PERCENT_COMPLETE, costs=(), packages=tuple(
                            WorkPackage(planned_value=Decimal(m.planned_value), baseline=m.baseline_date,
                                        history=tuple(Progress(effective_on=row.effective_on,
                                                               percent=row.percent_complete, status=row.status)
                                                      for row in progress[m.id]))
                            for m in seeded.milestones))
    entries, earned_before = [], Decimal(0)
    for n, (_, month_end) in enumerate(months_between(project.start_date, today)):
        earned = earned_value(baseline, month_end)
        amount = ((earned - earned_before) * rate).quantize(CENTS)
        earned_before = earned
        if amount > 0:
            entries.append(ActualCost(project_id=project.id, period_end=month_end, amount=amount,
                                      note=COST_NOTES[n % len(COST_NOTES)], recorded_by_id=seeded.manager.id,
                                      recorded_at=at_utc(min(today, month_end + timedelta(days=3)), 10)))
    return entries
