"""The measures against an independent implementation in exact fractions (tests/api/earned_value/reference.py),
for every earning rule, past dates read from the progress history, zero denominators and rounding; and a worked
example with published numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from api.earned_value.compute import Baseline, Progress, WorkPackage, earned_fraction, measure
from api.earned_value.types import index, percent
from api.kit.money import Money
from api.projects.models import EarningRule, MilestoneStatus
from tests.api.earned_value import reference

MONEY = ("budget_at_completion", "planned_value", "earned_value", "actual_cost", "schedule_variance",
         "cost_variance", "estimate_at_completion", "eac_at_budget_rate", "eac_composite", "estimate_to_complete",
         "variance_at_completion", "unallocated_budget")
INDICES = ("schedule_performance_index", "cost_performance_index", "to_complete_performance_index",
           "earned_schedule", "schedule_performance_index_time")
PERCENTS = ("percent_planned", "percent_earned")
STATUSES = [status.value for status in MilestoneStatus]

cents = st.integers(min_value=0, max_value=10**8)
days = st.integers(min_value=-20, max_value=900)
history_entry = st.tuples(days, st.integers(min_value=0, max_value=100), st.sampled_from(STATUSES))
milestone = st.tuples(cents, days, st.lists(history_entry, max_size=5))
cost = st.tuples(days, st.integers(min_value=-10**6, max_value=10**8))


def _both(start: date, rule: str, slack: int, milestones: list, costs: list) -> tuple[Baseline, reference.Project]:
    packages, refs = [], []
    for value, baseline_day, history in milestones:
        recorded = [(start + timedelta(days=d), p, s) for d, p, s in history]
        ordered = sorted(range(len(recorded)), key=lambda n: (recorded[n][0], n))
        packages.append(WorkPackage(
            planned_value=Decimal(value) / 100, baseline=start + timedelta(days=baseline_day),
            history=tuple(Progress(effective_on=recorded[n][0], percent=recorded[n][1],
                                   status=MilestoneStatus(recorded[n][2])) for n in ordered)))
        refs.append(reference.Milestone(planned_value=Fraction(value, 100),
                                        baseline=start + timedelta(days=baseline_day), history=recorded))
    bac_cents = sum(value for value, _, _ in milestones)
    entries = [(start + timedelta(days=d), amount) for d, amount in costs]
    return (Baseline(start=start, budget=Decimal(bac_cents + slack) / 100, rule=EarningRule(rule),
                     packages=tuple(packages), costs=tuple((d, Decimal(a) / 100) for d, a in entries)),
            reference.Project(start=start, budget=Fraction(bac_cents + slack, 100), rule=rule, milestones=refs,
                              costs=[(d, Fraction(a, 100)) for d, a in entries]))


def _cents(value: Fraction) -> str:
    rounded = round(value, 2)
    return str((Decimal(rounded.numerator) / Decimal(rounded.denominator)).quantize(Decimal("0.01")))


@settings(max_examples=1500, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
       rule=st.sampled_from([rule.value for rule in EarningRule]), slack=cents,
       milestones=st.lists(milestone, max_size=6), costs=st.lists(cost, max_size=6), as_of=days)
def test_every_measure_matches_the_independent_implementation(start: date, rule: str, slack: int, milestones: list,
                                                              costs: list, as_of: int) -> None:
    baseline, project = _both(start, rule, slack, milestones, costs)
    when = start + timedelta(days=as_of)
    found, expected = measure(baseline, when), reference.measures(project, when)
    for name in MONEY:
        value, exact = getattr(found, name), expected[name]
        assert (value is None) == (exact is None), name
        if exact is not None:
            assert Money.of(value, "USD").amount == _cents(exact), name
    for name in INDICES:
        exact = expected[name]
        assert index(getattr(found, name)) == (float(round(exact, 3)) if exact is not None else None), name
    for name in PERCENTS:
        exact = expected[name]
        assert percent(getattr(found, name)) == (float(round(exact, 1)) if exact is not None else None), name


@given(percent_done=st.integers(min_value=0, max_value=100), status=st.sampled_from(list(MilestoneStatus)))
def test_the_earning_rules(percent_done: int, status: MilestoneStatus) -> None:
    for rule in EarningRule:
        earned = earned_fraction(rule, percent_done, status)
        assert Fraction(earned) == reference._earned(rule.value, percent_done, status.value)
        if status is MilestoneStatus.ACCEPTED:
            assert earned == 1
        if status is MilestoneStatus.REJECTED:
            assert earned <= Decimal("0.99")


def _example() -> Baseline:
    """BAC 100 in two milestones; by 1 April one (due 1 March) is 80% done, the other (due 1 June) not begun,
    and 45 has been spent."""
    start = date(2026, 1, 1)
    return Baseline(start=start, budget=Decimal("120"), rule=EarningRule.PERCENT_COMPLETE, packages=(
        WorkPackage(Decimal("50"), date(2026, 3, 1), (Progress(date(2026, 1, 10), 30, MilestoneStatus.IN_PROGRESS),
                                                      Progress(date(2026, 3, 20), 80, MilestoneStatus.IN_PROGRESS))),
        WorkPackage(Decimal("50"), date(2026, 6, 1), (Progress(date(2026, 1, 10), 0, MilestoneStatus.NOT_STARTED),)),
    ), costs=((date(2026, 1, 31), Decimal("20")), (date(2026, 2, 28), Decimal("25")), (date(2026, 4, 30),
                                                                                      Decimal("30"))))


def test_a_worked_example_with_published_numbers() -> None:
    # The reference case: BAC 100, EV 40, AC 45 gives CPI 0.889, EAC 112.5 and TCPI 1.09 (to two places).
    found = measure(_example(), date(2026, 4, 1))
    assert (found.budget_at_completion, found.planned_value, found.earned_value, found.actual_cost) == (
        100, 50, 40, 45)
    assert (found.schedule_variance, found.cost_variance) == (-10, -5)
    assert index(found.schedule_performance_index) == 0.8 and index(found.cost_performance_index) == 0.889
    assert Money.of(found.estimate_at_completion, "USD").amount == "112.50"
    assert Money.of(found.estimate_to_complete, "USD").amount == "67.50"
    assert Money.of(found.variance_at_completion, "USD").amount == "-12.50"
    assert Money.of(found.eac_at_budget_rate, "USD").amount == "105.00"
    assert Money.of(found.eac_composite, "USD").amount == "129.38"  # 45 + 60 / (0.889 x 0.8), half-even
    assert round(float(found.to_complete_performance_index), 2) == 1.09
    assert index(found.to_complete_performance_index) == 1.091
    # Cumulative PV at month boundaries: 0, 0, 50, 50 ... EV 40 is 1 month and 40/50 of the next: ES 1.8 months,
    # after 3 months: SPI(t) 0.6.
    assert index(found.earned_schedule) == 1.8 and index(found.schedule_performance_index_time) == 0.6
    assert found.unallocated_budget == 20 and percent(found.percent_earned) == 40.0


def test_past_dates_read_the_progress_in_effect_then() -> None:
    before = measure(_example(), date(2026, 3, 19))  # 30% then: EV 15
    assert (before.earned_value, before.actual_cost) == (15, 45)
    at_start = measure(_example(), date(2026, 1, 1))
    assert (at_start.planned_value, at_start.earned_value, at_start.actual_cost) == (0, 0, 0)
    assert at_start.schedule_performance_index is None and at_start.cost_performance_index is None
    assert at_start.estimate_at_completion is None and at_start.schedule_performance_index_time is None


def test_zero_denominators_are_null_never_an_error() -> None:
    empty = measure(Baseline(start=date(2026, 1, 1), budget=Decimal(0), rule=EarningRule.PERCENT_COMPLETE,
                             packages=(), costs=()), date(2026, 6, 1))
    assert empty.schedule_performance_index is None and empty.cost_performance_index is None
    assert empty.to_complete_performance_index is None and empty.percent_planned is None
    assert empty.earned_schedule is None and empty.estimate_at_completion is None
