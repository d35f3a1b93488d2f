"""The measures themselves, exact: Decimal throughout, rounded only when shown, and None wherever a
denominator is zero. Each derived measure is one division of exact sums and products (EAC = BAC / CPI is
computed as BAC x AC / EV), so rounding it half-even to cents or 3 decimals gives the exact result's rounding.

Milestones are the work packages (the weighted-milestone method). For a project at date t:
PV(t) sums the planned value of milestones whose baseline date has come; EV(t) sums each milestone's planned
value times what it has earned under the project's earning rule, by the progress in effect at t; AC(t) sums the
standing cost entries whose period has ended. The rest follows from those three and the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from api.kit.dates import add_months
from api.projects.models import EarningRule, MilestoneStatus

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
HALF, REJECTED_CAP = Decimal("0.5"), Decimal("0.99")
STARTED = frozenset({MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED, MilestoneStatus.ACCEPTED,
                     MilestoneStatus.REJECTED})
PRECISION = 80  # exact for every product of amounts below; only a division is ever rounded, far below a cent


@dataclass(frozen=True)
class Progress:
    """A milestone's percent complete and status from `effective_on`."""

    effective_on: date
    percent: int
    status: MilestoneStatus


@dataclass(frozen=True)
class WorkPackage:
    """A milestone as earned value sees it: its planned value, baseline date and progress history (in order)."""

    planned_value: Decimal
    baseline: date
    history: tuple[Progress, ...]
    key: int = 0  # the milestone's id

    def state_at(self, when: date) -> tuple[int, MilestoneStatus]:
        """The percent complete and status in effect at `when` (nothing done before its first entry)."""
        found = (0, MilestoneStatus.NOT_STARTED)
        for entry in self.history:
            if entry.effective_on > when:
                break
            found = (entry.percent, entry.status)
        return found


@dataclass(frozen=True)
class Baseline:
    """What a project's earned value is computed from."""

    start: date
    budget: Decimal  # the project's budget at completion, of which the milestones' planned values are allocated
    rule: EarningRule
    packages: tuple[WorkPackage, ...]
    costs: tuple[tuple[date, Decimal], ...]  # standing entries: period end, amount

    @property
    def budget_at_completion(self) -> Decimal:
        """BAC: the planned value of every milestone, the performance measurement baseline."""
        return sum((package.planned_value for package in self.packages), ZERO)


def earned_fraction(rule: EarningRule, percent: int, status: MilestoneStatus) -> Decimal:
    """What share of its planned value a milestone has earned with this percent complete and status."""
    if status is MilestoneStatus.ACCEPTED:
        return ONE
    if rule is EarningRule.PERCENT_COMPLETE:
        fraction = Decimal(percent) / HUNDRED
    elif rule is EarningRule.FIFTY_FIFTY:
        fraction = HALF if percent > 0 or status in STARTED else ZERO
    else:
        fraction = ZERO
    return min(fraction, REJECTED_CAP) if status is MilestoneStatus.REJECTED else fraction


def planned_value(baseline: Baseline, when: date) -> Decimal:
    return sum((p.planned_value for p in baseline.packages if p.baseline <= when), ZERO)


def earned_value(baseline: Baseline, when: date) -> Decimal:
    return sum((p.planned_value * earned_fraction(baseline.rule, *p.state_at(when)) for p in baseline.packages),
               ZERO)


def actual_cost(baseline: Baseline, when: date) -> Decimal:
    return sum((amount for period_end, amount in baseline.costs if period_end <= when), ZERO)


def ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator, or None for a zero (or missing) denominator."""
    if denominator is None or denominator == 0:
        return None
    with localcontext() as context:
        context.prec = PRECISION
        return numerator / denominator


def months_elapsed(start: date, when: date) -> tuple[int, int, int]:
    """AT as (whole months, days into the month under way, days in that month): from `start` to `when`."""
    if when <= start:
        return 0, 0, 1
    whole = (when.year - start.year) * 12 + when.month - start.month
    while add_months(start, whole) > when:
        whole -= 1
    begun, ends = add_months(start, whole), add_months(start, whole + 1)
    return whole, (when - begun).days, (ends - begun).days


def earned_schedule(baseline: Baseline, earned: Decimal) -> tuple[Decimal, Decimal] | None:
    """ES in months from the start, as (numerator, denominator): C whole months whose cumulative PV the earned
    value reached, and the share of the next month's PV earned beyond them. None without milestones; the planned
    duration once all is earned."""
    if not baseline.packages:
        return None
    last = max(package.baseline for package in baseline.packages)
    months = 0
    while add_months(baseline.start, months) < last:
        months += 1
    cumulative = [planned_value(baseline, add_months(baseline.start, k)) for k in range(months + 1)]
    reached = [k for k, value in enumerate(cumulative) if value <= earned]
    if not reached:
        return ZERO, ONE
    whole = reached[-1]
    if whole == months:
        return Decimal(months), ONE
    step = cumulative[whole + 1] - cumulative[whole]
    return whole * step + earned - cumulative[whole], step


@dataclass(frozen=True)
class PackageMeasures:
    """One milestone's share at a date: its budget (PV at completion), planned and earned value."""

    key: int
    budget_at_completion: Decimal
    planned_value: Decimal
    earned_value: Decimal


@dataclass(frozen=True)
class Measures:
    """Every measure of one project at one date, exact (None where a denominator is zero)."""

    as_of: date
    budget_at_completion: Decimal
    planned_value: Decimal
    earned_value: Decimal
    actual_cost: Decimal
    schedule_variance: Decimal
    cost_variance: Decimal
    schedule_performance_index: Decimal | None
    cost_performance_index: Decimal | None
    estimate_at_completion: Decimal | None
    eac_at_budget_rate: Decimal
    eac_composite: Decimal | None
    estimate_to_complete: Decimal | None
    variance_at_completion: Decimal | None
    to_complete_performance_index: Decimal | None
    earned_schedule: Decimal | None
    schedule_performance_index_time: Decimal | None
    unallocated_budget: Decimal
    percent_planned: Decimal | None
    percent_earned: Decimal | None
    packages: tuple[PackageMeasures, ...] = ()


def measure(baseline: Baseline, as_of: date) -> Measures:
    """The project's measures at `as_of`."""
    with localcontext() as context:
        context.prec = PRECISION
        return _measure(baseline, as_of)


def _measure(baseline: Baseline, as_of: date) -> Measures:
    bac = baseline.budget_at_completion
    pv, ev, ac = planned_value(baseline, as_of), earned_value(baseline, as_of), actual_cost(baseline, as_of)
    cpi = ratio(ev, ac)
    spi = ratio(ev, pv)
    has_eac = cpi is not None and cpi != 0  # EAC = BAC / CPI, so BAC x AC / EV, with its ETC and VAC
    both = has_eac and spi is not None and spi != 0  # the composite divides by CPI x SPI: x AC x PV / EV^2
    es = earned_schedule(baseline, ev)
    spi_t = None
    if es is not None:
        whole, days, month_days = months_elapsed(baseline.start, as_of)
        spi_t = ratio(es[0] * month_days, es[1] * (whole * month_days + days))
    return Measures(
        as_of=as_of, budget_at_completion=bac, planned_value=pv, earned_value=ev, actual_cost=ac,
        schedule_variance=ev - pv, cost_variance=ev - ac, schedule_performance_index=spi,
        cost_performance_index=cpi,
        estimate_at_completion=ratio(bac * ac, ev) if has_eac else None,
        eac_at_budget_rate=ac + (bac - ev),
        eac_composite=ratio(ac * ev * ev + (bac - ev) * ac * pv, ev * ev) if both else None,
        estimate_to_complete=ratio(ac * (bac - ev), ev) if has_eac else None,
        variance_at_completion=ratio(bac * (ev - ac), ev) if has_eac else None,
        to_complete_performance_index=ratio(bac - ev, bac - ac),
        earned_schedule=ratio(*es) if es is not None else None,
        schedule_performance_index_time=spi_t,
        unallocated_budget=baseline.budget - bac,
        percent_planned=ratio(pv * HUNDRED, bac), percent_earned=ratio(ev * HUNDRED, bac),
        packages=tuple(PackageMeasures(key=p.key, budget_at_completion=p.planned_value,
                                       planned_value=p.planned_value if p.baseline <= as_of else ZERO,
                                       earned_value=p.planned_value * earned_fraction(baseline.rule,
                                                                                      *p.state_at(as_of)))
                       for p in baseline.packages),
    )


@dataclass(frozen=True)
class Totals:
    """A portfolio's sums, with its indices computed from them (never averages of the projects' ratios)."""

    budget_at_completion: Decimal
    planned_value: Decimal
    earned_value: Decimal
    actual_cost: Decimal

    @property
    def schedule_performance_index(self) -> Decimal | None:
        return ratio(self.earned_value, self.planned_value)

    @property
    def cost_performance_index(self) -> Decimal | None:
        return ratio(self.earned_value, self.actual_cost)

    @property
    def percent_planned(self) -> Decimal | None:
        return ratio(self.planned_value * HUNDRED, self.budget_at_completion)

    @property
    def percent_earned(self) -> Decimal | None:
        return ratio(self.earned_value * HUNDRED, self.budget_at_completion)


def totals(measures: Sequence[Measures]) -> Totals:
    """The sums of some projects' measures."""
    return Totals(budget_at_completion=sum((m.budget_at_completion for m in measures), ZERO),
                  planned_value=sum((m.planned_value for m in measures), ZERO),
                  earned_value=sum((m.earned_value for m in measures), ZERO),
                  actual_cost=sum((m.actual_cost for m in measures), ZERO))
