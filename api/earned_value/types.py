"""GraphQL types of earned value: a project's measures at a date, their trend, and a portfolio's roll-up."""

from __future__ import annotations

import enum
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.earned_value import service as earned_value_service
from api.earned_value.compute import Totals, totals
from api.earned_value.service import ProjectValue
from api.kit.money import Money
from api.projects.models import Health as HealthModel
from api.projects.types import Health
from api.settings import Settings

if TYPE_CHECKING:
    from api.projects.milestone_types import Milestone
    from api.projects.types import Project

INDEX = Decimal("0.001")
PERCENT = Decimal("0.1")


def index(value: Decimal | None) -> float | None:
    """An index (or months of earned schedule) rounded half-even to 3 decimals."""
    return _rounded(value, INDEX)


def percent(value: Decimal | None) -> float | None:
    return _rounded(value, PERCENT)


def _rounded(value: Decimal | None, places: Decimal) -> float | None:
    """Half-even to `places`; a negative that rounds to nothing is 0, not -0."""
    if value is None:
        return None
    return float(value.quantize(places, rounding=ROUND_HALF_EVEN)) + 0.0


@strawberry.enum(name="EarnedValueGranularity",
                description="How far apart the points of a trend are: one per month end, or per week end (Sunday).")
class Granularity(enum.Enum):
    MONTH = "MONTH"
    WEEK = "WEEK"


@strawberry.type(description="Schedule and cost health as SPI and CPI suggest them, against the PMO's thresholds "
                             "(PMO staff only).")
class SuggestedHealth:
    schedule: Health | None = strawberry.field(description="From SPI; null when there is no planned value yet.")
    cost: Health | None = strawberry.field(description="From CPI; null when there is no actual cost yet.")
    disagrees: bool = strawberry.field(description="Whether the recorded schedule or cost health differs.")

    @classmethod
    def of(cls, value: ProjectValue, settings: Settings) -> SuggestedHealth:
        schedule = band(value.measures.schedule_performance_index, settings)
        cost = band(value.measures.cost_performance_index, settings)
        disagrees = ((schedule is not None and schedule is not value.project.health_schedule)
                     or (cost is not None and cost is not value.project.health_cost))
        return cls(schedule=schedule, cost=cost, disagrees=disagrees)


def band(value: Decimal | None, settings: Settings) -> HealthModel | None:
    """GREEN at or above the green threshold, AMBER at or above the amber one, RED below; None without a value."""
    if value is None:
        return None
    if value >= Decimal(str(settings.evm_green_at)):
        return HealthModel.GREEN
    return HealthModel.AMBER if value >= Decimal(str(settings.evm_amber_at)) else HealthModel.RED


@strawberry.type(description="One milestone's part of a project's earned value: its budget, and the value planned "
                             "and earned by the date (amounts null where the viewer does not see the money).")
class MilestoneEarnedValue:
    budget_at_completion: Money | None
    planned_value: Money | None
    earned_value: Money | None
    schedule_variance: Money | None
    percent_planned: float | None = strawberry.field(description="PV / its budget x 100: 0 before its baseline "
                                                               "date, 100 from it.")
    percent_earned: float | None = strawberry.field(description="EV / its budget x 100, one decimal.")
    milestone_id: strawberry.Private[int]

    @strawberry.field(description="The milestone (the work package).")
    async def milestone(
            self, info: Info) -> Annotated[Milestone, strawberry.lazy("api.projects.milestone_types")] | None:
        from api.projects.milestone_types import Milestone

        row = await info.context.projects.milestone_by_id.load(self.milestone_id)
        return Milestone.from_model(row) if row else None


@strawberry.type(description="Earned value of a project at a date (the weighted-milestone method, ANSI/EIA-748 "
                             "measures). Amounts are null unless the viewer may see the project's money; indices and "
                             "percentages are there for the client's people either way.")
class EarnedValue:
    as_of: date
    budget_at_completion: Money | None = strawberry.field(description="BAC: the milestones' planned values.")
    planned_value: Money | None = strawberry.field(description="PV: planned value of milestones due by asOf.")
    earned_value: Money | None = strawberry.field(description="EV: planned value earned by asOf.")
    actual_cost: Money | None = strawberry.field(description="AC: cost entries for periods ended by asOf.")
    schedule_variance: Money | None = strawberry.field(description="SV = EV - PV.")
    cost_variance: Money | None = strawberry.field(description="CV = EV - AC.")
    schedule_performance_index: float | None = strawberry.field(description="SPI = EV / PV, 3 decimals.")
    cost_performance_index: float | None = strawberry.field(description="CPI = EV / AC, 3 decimals.")
    estimate_at_completion: Money | None = strawberry.field(description="EAC = BAC / CPI.")
    eac_at_budget_rate: Money | None = strawberry.field(description="AC + (BAC - EV).")
    eac_composite: Money | None = strawberry.field(description="AC + (BAC - EV) / (CPI x SPI).")
    estimate_to_complete: Money | None = strawberry.field(description="ETC = EAC - AC.")
    variance_at_completion: Money | None = strawberry.field(description="VAC = BAC - EAC.")
    to_complete_performance_index: float | None = strawberry.field(description="TCPI = (BAC - EV) / (BAC - AC).")
    earned_schedule: float | None = strawberry.field(description="ES, in months from the project's start.")
    schedule_performance_index_time: float | None = strawberry.field(description="SPI(t) = ES / months elapsed.")
    unallocated_budget: Money | None = strawberry.field(description="The project's budget at completion - BAC.")
    percent_planned: float | None = strawberry.field(description="PV / BAC x 100, one decimal.")
    percent_earned: float | None = strawberry.field(description="EV / BAC x 100, one decimal.")
    milestones: list[MilestoneEarnedValue] = strawberry.field(
        description="Each milestone's part, by baseline date: the rows of a performance report.")
    suggested: strawberry.Private[SuggestedHealth | None]

    @strawberry.field(description="Health as the numbers suggest it, and whether the recorded health disagrees "
                                  "(PMO staff only; null for everyone else).")
    def suggested_health(self) -> SuggestedHealth | None:
        return self.suggested

    @classmethod
    def of(cls, value: ProjectValue, *, settings: Settings, staff: bool) -> EarnedValue:
        m, currency = value.measures, value.project.currency

        def money(amount: Decimal | None) -> Money | None:
            return Money.of(amount, currency) if amount is not None and value.shows_money else None

        return cls(
            as_of=m.as_of, budget_at_completion=money(m.budget_at_completion), planned_value=money(m.planned_value),
            earned_value=money(m.earned_value), actual_cost=money(m.actual_cost),
            schedule_variance=money(m.schedule_variance), cost_variance=money(m.cost_variance),
            schedule_performance_index=index(m.schedule_performance_index),
            cost_performance_index=index(m.cost_performance_index),
            estimate_at_completion=money(m.estimate_at_completion), eac_at_budget_rate=money(m.eac_at_budget_rate),
            eac_composite=money(m.eac_composite), estimate_to_complete=money(m.estimate_to_complete),
            variance_at_completion=money(m.variance_at_completion),
            to_complete_performance_index=index(m.to_complete_performance_index),
            earned_schedule=index(m.earned_schedule),
            schedule_performance_index_time=index(m.schedule_performance_index_time),
            unallocated_budget=money(m.unallocated_budget), percent_planned=percent(m.percent_planned),
            percent_earned=percent(m.percent_earned),
            milestones=[MilestoneEarnedValue(
                budget_at_completion=money(p.budget_at_completion), planned_value=money(p.planned_value),
                earned_value=money(p.earned_value), schedule_variance=money(p.earned_value - p.planned_value),
                percent_planned=percent(p.planned_value * 100 / p.budget_at_completion) if p.budget_at_completion
                else None,
                percent_earned=percent(p.earned_value * 100 / p.budget_at_completion) if p.budget_at_completion
                else None, milestone_id=p.key) for p in m.packages],
            suggested=SuggestedHealth.of(value, settings) if staff else None,
        )


@strawberry.type(description="A portfolio's sums in one currency, with SPI and CPI computed from the sums.")
class PortfolioTotals:
    currency: str
    projects: int
    budget_at_completion: Money | None
    planned_value: Money | None
    earned_value: Money | None
    actual_cost: Money | None
    schedule_performance_index: float | None
    cost_performance_index: float | None
    percent_planned: float | None
    percent_earned: float | None

    @classmethod
    def of(cls, found: Totals, *, currency: str, projects: int, shows_money: bool) -> PortfolioTotals:
        def money(amount: Decimal) -> Money | None:
            return Money.of(amount, currency) if shows_money else None

        return cls(currency=currency, projects=projects, budget_at_completion=money(found.budget_at_completion),
                   planned_value=money(found.planned_value), earned_value=money(found.earned_value),
                   actual_cost=money(found.actual_cost),
                   schedule_performance_index=index(found.schedule_performance_index),
                   cost_performance_index=index(found.cost_performance_index),
                   percent_planned=percent(found.percent_planned), percent_earned=percent(found.percent_earned))


@strawberry.type(description="How many of the portfolio's projects stand at one overall health.")
class HealthCount:
    health: Health
    count: int


@strawberry.type(description="One project of a portfolio: its place on the SPI / CPI quadrant, and its measures.")
class PortfolioProject:
    schedule_performance_index: float | None
    cost_performance_index: float | None
    earned_value: EarnedValue
    project_row: strawberry.Private[object]

    @strawberry.field
    def project(self) -> Annotated[Project, strawberry.lazy("api.projects.types")]:
        from api.projects.types import Project

        return Project.from_model(self.project_row)  # type: ignore[arg-type]


@strawberry.type(description="Earned value across a client's projects (or, for PMO staff, every client's).")
class Portfolio:
    as_of: date | None = strawberry.field(description="The date asked for; null when each project is read at "
                                                      "today in its client's time zone.")
    totals: list[PortfolioTotals] = strawberry.field(description="One entry per currency: amounts of different "
                                                                 "currencies are never added.")
    health_counts: list[HealthCount]
    projects: list[PortfolioProject]


async def project_earned_value(info: Info, *, project_id: int, as_of: date | None) -> EarnedValue | None:
    """Project.earnedValue: null for a viewer who may not see it (a subcontractor)."""
    context = info.context
    value = await context.earned_value.by_project.load((project_id, as_of))
    if value is None:
        return None
    return EarnedValue.of(value, settings=context.settings, staff=context.principal.is_pmo_staff)


async def project_trend(info: Info, *, project_id: int, start: date | None, end: date | None,
                        granularity: Granularity) -> list[EarnedValue] | None:
    """Project.earnedValueTrend: one point per period end from `start` (the project's start unless given) to `end`
    (today in the client's time zone unless given)."""
    context = info.context
    if start is not None and end is not None:
        earned_value_service.period_ends(start, end, weekly=granularity is Granularity.WEEK)  # refuse a bad range
    values = await context.earned_value.trend.load((project_id, start, end, granularity is Granularity.WEEK))
    if values is None:
        return None
    return [EarnedValue.of(value, settings=context.settings, staff=context.principal.is_pmo_staff)
            for value in values]


async def portfolio_of(info: Info, *, client_id: int | None, as_of: date | None) -> Portfolio:
    """The portfolio of one client's projects (batched over the clients a request asks about), or every client's,
    as the viewer may see it."""
    context = info.context
    if client_id is None:
        values = await earned_value_service.portfolio(context.session, principal=context.principal, client_id=None,
                                                      as_of=as_of)
    else:
        values = await context.earned_value.portfolio_by_client.load((client_id, as_of))
    staff = context.principal.is_pmo_staff
    by_currency: dict[str, list[ProjectValue]] = {}
    for value in values:
        by_currency.setdefault(value.project.currency, []).append(value)
    counts = Counter(value.project.health_overall for value in values)
    return Portfolio(
        as_of=as_of,
        totals=[PortfolioTotals.of(totals([v.measures for v in group]), currency=currency, projects=len(group),
                                   shows_money=all(v.shows_money for v in group))
                for currency, group in sorted(by_currency.items())],
        health_counts=[HealthCount(health=health, count=counts[health]) for health in HealthModel if counts[health]],
        projects=[PortfolioProject(schedule_performance_index=index(v.measures.schedule_performance_index),
                                   cost_performance_index=index(v.measures.cost_performance_index),
                                   earned_value=EarnedValue.of(v, settings=context.settings, staff=staff),
                                   project_row=v.project)
                  for v in values],
    )
