"""The CX metric functions, property-tested with Hypothesis against independent computations."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist, fmean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cx import metrics
from api.cx.metrics import Granularity, Response

TOUCHPOINTS = ("KICKOFF", "MEETING", "CLOSEOUT")
TAGS = ("slow-response", "unclear-scope", "reporting-delays", "invoice-accuracy", "staff-turnover", "meeting-overload")
FIRST_DAY = date(2024, 11, 1)

csat_scores = st.lists(st.integers(1, 5), min_size=1, max_size=60)
nps_scores = st.lists(st.integers(0, 10), min_size=1, max_size=60)
ces_scores = st.lists(st.integers(1, 7), min_size=1, max_size=60)
days = st.integers(0, 499).map(lambda offset: FIRST_DAY + timedelta(days=offset))


@st.composite
def responses(draw: st.DrawFn) -> Response:
    """One answer at a touchpoint: at least one of CSAT, NPS and CES, maybe some pain points."""
    scales = draw(st.sets(st.sampled_from(("csat", "nps", "ces")), min_size=1))
    return Response(
        submitted_on=draw(days),
        touchpoint=draw(st.sampled_from(TOUCHPOINTS)),
        csat=draw(st.integers(1, 5)) if "csat" in scales else None,
        nps=draw(st.integers(0, 10)) if "nps" in scales else None,
        ces=draw(st.integers(1, 7)) if "ces" in scales else None,
        pain_points=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))),
    )


@given(csat_scores)
def test_csat_percent_is_the_top_two_box_share(scores: list[int]) -> None:
    expected = Fraction(sum(1 for s in scores if s >= 4), len(scores)) * 100
    assert metrics.csat_percent(scores) == pytest.approx(float(expected), abs=1e-9)


def test_no_csat_and_no_nps_without_scores() -> None:
    assert metrics.csat_percent([]) is None and metrics.net_promoter_score([]) is None and metrics.mean([]) is None


@given(nps_scores)
def test_nps_counts_passives_in_the_denominator_only(scores: list[int]) -> None:
    promoters, detractors = Counter(s >= 9 for s in scores)[True], Counter(s <= 6 for s in scores)[True]
    expected = Fraction(promoters - detractors, len(scores)) * 100
    assert metrics.net_promoter_score(scores) == pytest.approx(float(expected), abs=1e-9)
    assert -100 <= metrics.net_promoter_score(scores) <= 100


def test_nps_examples() -> None:
    assert metrics.net_promoter_score([9, 10, 7, 8]) == 50.0
    assert metrics.net_promoter_score([0, 6, 7, 8]) == -50.0


@given(ces_scores)
def test_ces_and_csat_means(scores: list[int]) -> None:
    assert metrics.mean(scores) == pytest.approx(fmean(scores), abs=1e-12)


def _textbook_wilson(successes: int, total: int, z: float) -> tuple[float, float]:
    p = successes / total
    root = z * math.sqrt(z * z + 4 * total * p * (1 - p))
    denominator = 2 * (total + z * z)
    return (2 * total * p + z * z - root) / denominator, (2 * total * p + z * z + root) / denominator


@given(st.integers(1, 500).flatmap(lambda total: st.tuples(st.integers(0, total), st.just(total))))
def test_wilson_interval_matches_the_textbook_formula(counts: tuple[int, int]) -> None:
    successes, total = counts
    z = NormalDist().inv_cdf(0.975)
    low, high = metrics.wilson_interval(successes, total)
    expected_low, expected_high = _textbook_wilson(successes, total, z)
    assert low == pytest.approx(expected_low, abs=1e-9) and high == pytest.approx(expected_high, abs=1e-9)
    assert 0 <= low <= successes / total <= high <= 1


def test_wilson_reference_values() -> None:
    assert metrics.Z_95 == pytest.approx(NormalDist().inv_cdf(0.975), abs=1e-12)
    # A published reference: 8 successes in 10 trials gives 0.490 to 0.943 at 95%.
    low, high = metrics.wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert metrics.wilson_interval(0, 0) is None


@given(st.lists(responses(), max_size=30), st.integers(1, 12))
def test_score_reports_no_number_below_the_minimum_sample(answers: list[Response], minimum: int) -> None:
    scores = metrics.score(answers, minimum=minimum)
    csat = [r.csat for r in answers if r.csat is not None]
    nps = [r.nps for r in answers if r.nps is not None]
    assert scores.sample_size == len(answers)
    assert scores.insufficient_data is (len(answers) < minimum)
    assert (scores.csat_sample_size, scores.nps_sample_size) == (len(csat), len(nps))
    shown = not scores.insufficient_data
    assert (scores.csat_percent is not None) is (shown and len(csat) >= minimum)
    assert (scores.csat_interval is not None) is (shown and len(csat) >= minimum)
    assert (scores.nps is not None) is (shown and len(nps) >= minimum)
    assert (scores.ces_mean is not None) is (shown and scores.ces_sample_size >= minimum)
    if scores.csat_percent is not None:
        assert scores.csat_percent == pytest.approx(metrics.csat_percent(csat))
        low, high = scores.csat_interval
        assert low <= scores.csat_percent <= high
    if scores.nps is not None:
        assert scores.nps == pytest.approx(metrics.net_promoter_score(nps))


def test_the_default_minimum_boundary() -> None:
    four = [Response(submitted_on=date(2026, 1, day), touchpoint="MEETING", csat=5, nps=None, ces=None)
            for day in range(1, 5)]
    assert metrics.score(four, minimum=5).insufficient_data is True
    assert metrics.score(four, minimum=5).csat_percent is None
    five = [*four, Response(submitted_on=date(2026, 1, 9), touchpoint="MEETING", csat=3, nps=None, ces=None)]
    assert metrics.score(five, minimum=5).csat_percent == 80.0


@pytest.mark.parametrize(("day", "granularity", "start"), [
    (date(2025, 12, 31), Granularity.MONTH, date(2025, 12, 1)),
    (date(2026, 1, 1), Granularity.MONTH, date(2026, 1, 1)),
    (date(2025, 12, 31), Granularity.QUARTER, date(2025, 10, 1)),
    (date(2026, 1, 1), Granularity.QUARTER, date(2026, 1, 1)),
    (date(2026, 3, 31), Granularity.QUARTER, date(2026, 1, 1)),
    (date(2026, 4, 1), Granularity.QUARTER, date(2026, 4, 1)),
    (date(2024, 2, 29), Granularity.MONTH, date(2024, 2, 1)),
])
def test_period_start_across_month_quarter_and_year_boundaries(day: date, granularity: Granularity, start: date) -> None:
    assert metrics.period_start(day, granularity) == start


def test_periods_run_without_gaps_across_years() -> None:
    assert metrics.periods(date(2025, 11, 20), date(2026, 2, 3), Granularity.MONTH) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert metrics.periods(date(2025, 11, 20), date(2026, 2, 3), Granularity.QUARTER) == [
        date(2025, 10, 1), date(2026, 1, 1)]
    assert metrics.periods(date(2026, 5, 5), date(2026, 5, 6), Granularity.MONTH) == [date(2026, 5, 1)]


@settings(max_examples=60)
@given(st.sampled_from(list(Granularity)), st.lists(responses(), max_size=80), st.integers(0, 199),
       st.integers(0, 399))
def test_trend_buckets_every_response_once_across_month_and_year_boundaries(
    granularity: Granularity, answers: list[Response], start_offset: int, length: int
) -> None:
    def bucket(day: date) -> tuple[int, int]:
        return (day.year, day.month) if granularity is Granularity.MONTH else (day.year, (day.month - 1) // 3)

    first = FIRST_DAY + timedelta(days=start_offset)
    last = first + timedelta(days=length)
    points = metrics.trend(answers, first=first, last=last, granularity=granularity, minimum=3)
    expected = Counter(bucket(r.submitted_on) for r in answers if bucket(first) <= bucket(r.submitted_on) <= bucket(last))
    starts = [start for start, _ in points]
    assert starts == sorted(set(starts)) and starts[0] == metrics.period_start(first, granularity)
    assert {bucket(start): scores.sample_size for start, scores in points if scores.sample_size} == dict(expected)
    assert len(points) == len({bucket(first + timedelta(days=d)) for d in range((last - first).days + 1)})


@given(st.lists(responses(), max_size=40))
def test_top_pain_points_counts_each_response_once_most_frequent_first(answers: list[Response]) -> None:
    counts = Counter(tag for r in answers for tag in set(r.pain_points))
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]
    assert metrics.top_pain_points(answers) == expected


def test_detractors() -> None:
    assert [metrics.is_detractor(csat=None, nps=n) for n in (0, 6, 7, 10)] == [True, True, False, False]
    assert [metrics.is_detractor(csat=c, nps=None) for c in (1, 2, 3, 5)] == [True, True, False, False]
    assert metrics.is_detractor(csat=None, nps=None) is False


criteria_lists = st.lists(st.integers(1, 10).flatmap(lambda top: st.tuples(st.integers(0, top), st.just(top))),
                          min_size=1, max_size=12)


@given(criteria_lists)
def test_mystery_shop_percent_is_points_over_possible_points(criteria: list[tuple[int, int]]) -> None:
    expected = Fraction(sum(s for s, _ in criteria), sum(m for _, m in criteria)) * 100
    assert abs(metrics.mystery_shop_percent(criteria) - Decimal(expected.numerator) / expected.denominator) <= Decimal(
        "0.005")


def test_rate_needs_the_minimum_denominator() -> None:
    assert metrics.rate(3, 4, minimum=5) is None
    assert metrics.rate(0, 0, minimum=1) is None
    assert metrics.rate(4, 5, minimum=5) == 80.0
