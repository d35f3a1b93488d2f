"""An independent implementation of the earned-value measures, in exact fractions, for the tests to check
api.earned_value.compute against: written from the definitions, sharing no code with it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from fractions import Fraction


@dataclass(frozen=True)
class Milestone:
    planned_value: Fraction
    baseline: date
    # (effective date, percent complete, status), in the order recorded
    history: list[tuple[date, int, str]]


@dataclass(frozen=True)
class Project:
    start: date
    budget: Fraction
    rule: str
    milestones: list[Milestone]
    costs: list[tuple[date, Fraction]]


def _state(milestone: Milestone, when: date) -> tuple[int, str]:
    effective = [(day, n) for n, (day, _, _) in enumerate(milestone.history) if day <= when]
    if not effective:
        return 0, "NOT_STARTED"
    _, n = max(effective)
    return milestone.history[n][1], milestone.history[n][2]


def _earned(rule: str, percent: int, status: str) -> Fraction:
    if status == "ACCEPTED":
        return Fraction(1)
    started = percent > 0 or status != "NOT_STARTED"
    value = {"PERCENT_COMPLETE": Fraction(percent, 100),
             "FIFTY_FIFTY": Fraction(1, 2) if started else Fraction(0),
             "ZERO_HUNDRED": Fraction(0)}[rule]
    if status == "REJECTED" and value > Fraction(99, 100):
        return Fraction(99, 100)
    return value


def _month(start: date, k: int) -> date:
    year = start.year + (start.month - 1 + k) // 12
    month = (start.month - 1 + k) % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def pv(project: Project, when: date) -> Fraction:
    return sum((m.planned_value for m in project.milestones if m.baseline <= when), Fraction(0))


def ev(project: Project, when: date) -> Fraction:
    total = Fraction(0)
    for m in project.milestones:
        total += m.planned_value * _earned(project.rule, *_state(m, when))
    return total


def ac(project: Project, when: date) -> Fraction:
    return sum((amount for day, amount in project.costs if day <= when), Fraction(0))


def _div(a: Fraction, b: Fraction | None) -> Fraction | None:
    return None if b is None or b == 0 else a / b


def earned_schedule(project: Project, earned: Fraction) -> Fraction | None:
    if not project.milestones:
        return None
    horizon = 0
    last = max(m.baseline for m in project.milestones)
    while _month(project.start, horizon) < last:
        horizon += 1
    count = 0
    for k in range(horizon + 1):
        if pv(project, _month(project.start, k)) <= earned:
            count = k
        else:
            break
    else:
        return Fraction(horizon)
    if pv(project, _month(project.start, 0)) > earned:
        return Fraction(0)
    here, there = pv(project, _month(project.start, count)), pv(project, _month(project.start, count + 1))
    return count + (earned - here) / (there - here)


def months_elapsed(start: date, when: date) -> Fraction:
    if when <= start:
        return Fraction(0)
    k = 0
    while _month(start, k + 1) <= when:
        k += 1
    this, following = _month(start, k), _month(start, k + 1)
    return k + Fraction((when - this).days, (following - this).days)


def measures(project: Project, when: date) -> dict[str, Fraction | None]:
    bac = sum((m.planned_value for m in project.milestones), Fraction(0))
    p, e, a = pv(project, when), ev(project, when), ac(project, when)
    spi, cpi = _div(e, p), _div(e, a)
    eac = _div(bac, cpi)
    es = earned_schedule(project, e)
    composite = _div(bac - e, cpi * spi) if cpi is not None and spi is not None else None
    return {
        "budget_at_completion": bac, "planned_value": p, "earned_value": e, "actual_cost": a,
        "schedule_variance": e - p, "cost_variance": e - a,
        "schedule_performance_index": spi, "cost_performance_index": cpi,
        "estimate_at_completion": eac, "eac_at_budget_rate": a + (bac - e),
        "eac_composite": a + composite if composite is not None else None,
        "estimate_to_complete": eac - a if eac is not None else None,
        "variance_at_completion": bac - eac if eac is not None else None,
        "to_complete_performance_index": _div(bac - e, bac - a),
        "earned_schedule": es,
        "schedule_performance_index_time": _div(es, months_elapsed(project.start, when)) if es is not None else None,
        "unallocated_budget": project.budget - bac,
        "percent_planned": _div(p * 100, bac), "percent_earned": _div(e * 100, bac),
    }
