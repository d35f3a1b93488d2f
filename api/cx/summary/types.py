"""GraphQL types for CX summaries: the DESIGN.md metrics, each with its sample size."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.cx import metrics
from api.cx.models import Touchpoint as TouchpointModel
from api.cx.summary.service import CxSummaryData, cx_window
from api.cx.types import Touchpoint

Granularity = strawberry.enum(metrics.Granularity, name="Granularity", description="How a trend is bucketed.")
PERCENT_PLACES = 1
MEAN_PLACES = 2


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


@strawberry.type(description="A confidence interval, in percent.")
class Interval:
    low: float
    high: float


@strawberry.interface(description="Survey metrics of a set of responses, each with its own sample size; "
                                  "a metric is null when its sample is below the minimum.")
class CxScores:
    sample_size: int = strawberry.field(description="Responses counted.")
    insufficient_data: bool = strawberry.field(description="True when fewer responses than the minimum sample: "
                                                           "every metric is then null.")
    csat_sample_size: int = strawberry.field(description="Responses with a CSAT score.")
    csat_percent: float | None = strawberry.field(description="Top-2-box CSAT: scores of 4 or 5 over all CSAT scores, "
                                                              "x 100.")
    csat_mean: float | None = strawberry.field(description="The mean CSAT score, 1 to 5.")
    csat_interval: Interval | None = strawberry.field(description="The 95% Wilson score interval of csatPercent.")
    nps_sample_size: int = strawberry.field(description="Responses with an NPS score.")
    nps: float | None = strawberry.field(description="% promoters (9-10) minus % detractors (0-6), -100 to 100.")
    ces_sample_size: int = strawberry.field(description="Responses with a CES score.")
    ces_mean: float | None = strawberry.field(description="The mean customer-effort score, 1 to 7.")


def score_fields(scores: metrics.Scores) -> dict[str, Any]:
    """The CxScores fields of computed metrics, rounded for display."""
    interval = scores.csat_interval
    return {
        "sample_size": scores.sample_size,
        "insufficient_data": scores.insufficient_data,
        "csat_sample_size": scores.csat_sample_size,
        "csat_percent": _rounded(scores.csat_percent, PERCENT_PLACES),
        "csat_mean": _rounded(scores.csat_mean, MEAN_PLACES),
        "csat_interval": Interval(low=round(interval[0], PERCENT_PLACES), high=round(interval[1], PERCENT_PLACES))
        if interval else None,
        "nps_sample_size": scores.nps_sample_size,
        "nps": _rounded(scores.nps, PERCENT_PLACES),
        "ces_sample_size": scores.ces_sample_size,
        "ces_mean": _rounded(scores.ces_mean, MEAN_PLACES),
    }


@strawberry.type(description="The metrics of one month or quarter.")
class CxPoint(CxScores):
    period_start: date = strawberry.field(description="The first day of the month or quarter.")


@strawberry.type(description="The metrics of the responses at one touchpoint.")
class CxTouchpointSummary(CxScores):
    touchpoint: Touchpoint


@strawberry.type(description="How often a pain point was raised.")
class PainPointCount:
    tag: str
    count: int


@strawberry.type(description="CX metrics over a window (dates in UTC, both included), as DESIGN.md defines them.")
class CxSummary(CxScores):
    window_start: date
    window_end: date
    minimum_sample: int = strawberry.field(description="Below this many responses a metric reports no number.")
    response_rate: float | None = strawberry.field(
        description="Invitations answered over invitations sent in the window, x 100, leaving out those still open "
                    "(neither answered nor expired); null below the minimum sample. Invitations are PMO staff only.")
    response_rate_sample_size: int = strawberry.field(description="Invitations the response rate counts.")
    mystery_shop_score: float | None = strawberry.field(
        description="The mean mystery-shop score in the window, in percent (PMO staff only).")
    mystery_shop_sample_size: int | None = strawberry.field(description="Mystery shops counted (PMO staff only).")
    by_touchpoint: list[CxTouchpointSummary] = strawberry.field(description="The metrics per touchpoint answered.")
    top_pain_points: list[PainPointCount] = strawberry.field(description="The five most raised pain points.")
    _data: strawberry.Private[CxSummaryData]
    _granularity: strawberry.Private[metrics.Granularity]

    @strawberry.field(description="The metrics per month or quarter of the window, empty periods included.")
    def trend(self, granularity: Granularity | None = None) -> list[CxPoint]:
        points = metrics.trend(self._data.responses, first=self._data.window.start, last=self._data.window.end,
                               granularity=granularity or self._granularity, minimum=self._data.minimum)
        return [CxPoint(period_start=start, **score_fields(scores)) for start, scores in points]

    @classmethod
    def from_data(cls, data: CxSummaryData, granularity: metrics.Granularity) -> CxSummary:
        """The GraphQL view of a summary's data; `granularity` is the trend's default."""
        responses, minimum = data.responses, data.minimum
        by_touchpoint = [
            CxTouchpointSummary(touchpoint=touchpoint, **score_fields(metrics.score(answered, minimum=minimum)))
            for touchpoint in TouchpointModel
            if (answered := [r for r in responses if r.touchpoint is touchpoint])
        ]
        return cls(
            **score_fields(metrics.score(responses, minimum=minimum)),
            window_start=data.window.start,
            window_end=data.window.end,
            minimum_sample=minimum,
            response_rate=_rounded(
                metrics.rate(data.invitations_answered, data.invitations_counted, minimum=minimum), PERCENT_PLACES),
            response_rate_sample_size=data.invitations_counted,
            mystery_shop_score=_rounded(data.mystery_shop_score, PERCENT_PLACES),
            mystery_shop_sample_size=data.mystery_shop_count,
            by_touchpoint=by_touchpoint,
            top_pain_points=[PainPointCount(tag=tag, count=count) for tag, count in metrics.top_pain_points(responses)],
            _data=data,
            _granularity=granularity,
        )


async def client_cx_summary(
    root: Any,
    info: Info,
    from_: Annotated[date | None, strawberry.argument(name="from")] = None,
    to: date | None = None,
    granularity: Granularity | None = metrics.Granularity.MONTH,
) -> CxSummary:
    """Client.cxSummary: this client's CX metrics, batched over every client of the request."""
    window = cx_window(start=from_, end=to)
    data = await info.context.cx.summary_by_client(window).load(root.id)
    return CxSummary.from_data(data, granularity or metrics.Granularity.MONTH)
