"""CX metrics as DESIGN.md defines them: plain functions over scores, no I/O."""

from __future__ import annotations

import enum
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Z_95 = 1.959963984540054  # the two-sided 95% quantile of the standard normal distribution
CSAT_TOP_TWO = frozenset({4, 5})
NPS_PROMOTERS = range(9, 11)
NPS_DETRACTORS = range(0, 7)
CSAT_DETRACTORS = range(1, 3)


class Granularity(enum.Enum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"


@dataclass(frozen=True)
class Response:
    """The scored part of one feedback row."""

    submitted_on: date
    touchpoint: Hashable
    csat: int | None
    nps: int | None
    ces: int | None
    pain_points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scores:
    """Every survey metric of a set of responses, each with its own sample size; None below the minimum."""

    sample_size: int
    insufficient_data: bool
    csat_sample_size: int
    csat_percent: float | None
    csat_mean: float | None
    csat_interval: tuple[float, float] | None
    nps_sample_size: int
    nps: float | None
    ces_sample_size: int
    ces_mean: float | None


def csat_percent(scores: Sequence[int]) -> float | None:
    """Top-2-box CSAT: the share of 1-5 scores that are 4 or 5, x 100; None without scores."""
    if not scores:
        return None
    return 100 * sum(1 for score in scores if score in CSAT_TOP_TWO) / len(scores)


def mean(scores: Sequence[int]) -> float | None:
    """The arithmetic mean, or None without scores."""
    return sum(scores) / len(scores) if scores else None


def net_promoter_score(scores: Sequence[int]) -> float | None:
    """% promoters (9-10) minus % detractors (0-6) of 0-10 scores, passives in the denominator."""
    if not scores:
        return None
    promoters = sum(1 for score in scores if score in NPS_PROMOTERS)
    detractors = sum(1 for score in scores if score in NPS_DETRACTORS)
    return 100 * (promoters - detractors) / len(scores)


def wilson_interval(successes: int, total: int, *, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of the proportion successes / total, as (low, high) between 0 and 1."""
    if total <= 0:
        return None
    proportion = successes / total
    factor = z * z / total
    centre = (proportion + factor / 2) / (1 + factor)
    half_width = z / (1 + factor) * math.sqrt(proportion * (1 - proportion) / total + factor / (4 * total))
    # At 0 and 1 the bounds are exact; floating-point rounding would otherwise leave them a hair inside.
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == total else min(1.0, centre + half_width)
    return low, high


def is_detractor(*, csat: int | None, nps: int | None) -> bool:
    """A response that calls for a follow-up: NPS 0-6 or CSAT 1-2."""
    return (nps is not None and nps in NPS_DETRACTORS) or (csat is not None and csat in CSAT_DETRACTORS)


def score(responses: Sequence[Response], *, minimum: int) -> Scores:
    """The metrics of `responses`; every number is None when fewer than `minimum` answered it."""
    sufficient = len(responses) >= minimum
    csat = [r.csat for r in responses if r.csat is not None]
    nps = [r.nps for r in responses if r.nps is not None]
    ces = [r.ces for r in responses if r.ces is not None]
    csat_shown = sufficient and len(csat) >= minimum
    interval = wilson_interval(sum(1 for s in csat if s in CSAT_TOP_TWO), len(csat)) if csat_shown else None
    return Scores(
        sample_size=len(responses),
        insufficient_data=not sufficient,
        csat_sample_size=len(csat),
        csat_percent=csat_percent(csat) if csat_shown else None,
        csat_mean=mean(csat) if csat_shown else None,
        csat_interval=(100 * interval[0], 100 * interval[1]) if interval else None,
        nps_sample_size=len(nps),
        nps=net_promoter_score(nps) if sufficient and len(nps) >= minimum else None,
        ces_sample_size=len(ces),
        ces_mean=mean(ces) if sufficient and len(ces) >= minimum else None,
    )


def rate(numerator: int, denominator: int, *, minimum: int) -> float | None:
    """numerator / denominator x 100, or None when the denominator is below `minimum` (or zero)."""
    if denominator < max(minimum, 1):
        return None
    return 100 * numerator / denominator


def period_start(day: date, granularity: Granularity) -> date:
    """The first day of the month or quarter `day` falls in."""
    if granularity is Granularity.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def periods(first: date, last: date, granularity: Granularity) -> list[date]:
    """The start of every month or quarter from the one holding `first` to the one holding `last`."""
    step = 3 if granularity is Granularity.QUARTER else 1
    starts = []
    current, end = period_start(first, granularity), period_start(last, granularity)
    while current <= end:
        starts.append(current)
        months = current.year * 12 + current.month - 1 + step
        current = date(months // 12, months % 12 + 1, 1)
    return starts


def trend(responses: Iterable[Response], *, first: date, last: date, granularity: Granularity,
          minimum: int) -> list[tuple[date, Scores]]:
    """The metrics of each period from `first` to `last`, empty periods included."""
    by_period: dict[date, list[Response]] = {start: [] for start in periods(first, last, granularity)}
    for response in responses:
        bucket = by_period.get(period_start(response.submitted_on, granularity))
        if bucket is not None:
            bucket.append(response)
    return [(start, score(bucket, minimum=minimum)) for start, bucket in by_period.items()]


def top_pain_points(responses: Iterable[Response], *, limit: int = 5) -> list[tuple[str, int]]:
    """The most often raised pain-point tags with their counts, most frequent first, ties by tag."""
    counts = Counter(tag for response in responses for tag in set(response.pain_points))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def mystery_shop_percent(criteria: Sequence[tuple[int, int]]) -> Decimal:
    """The share of available points a mystery shop earned, from (score, max score) pairs, to two decimals."""
    earned = sum(points for points, _ in criteria)
    available = sum(maximum for _, maximum in criteria)
    return (Decimal(earned) * 100 / Decimal(available)).quantize(Decimal("0.01"))
