"""Reading what earned value is computed from, for many projects in a constant number of statements, and
deciding who sees which of it: PMO staff everything, a client its indices (and amounts when shared),
subcontractors nothing."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.permissions import sees_financials
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.earned_value.compute import Baseline, Measures, Progress, WorkPackage, measure
from api.kit.columns import utcnow
from api.kit.errors import InvalidInput
from api.projects.cost_service import standing
from api.projects.models import ActualCost, Milestone, MilestoneProgress, Project, ProjectStatus
from api.sites.models import Site


def sees_earned_value(principal: Principal, *, client_id: int) -> bool:
    """PMO staff, and the client's own people; subcontractors see none of it."""
    return principal.is_pmo_staff or client_id in principal.client_ids


@dataclass(frozen=True)
class ProjectValue:
    """One project's measures with what the viewer may see of them."""

    project: Project
    measures: Measures
    shows_money: bool


async def baselines(session: AsyncSession, *, principal: Principal,
                    project_ids: Sequence[int]) -> dict[int, tuple[Project, Baseline]]:
    """The projects the principal may see the earned value of, with what it is computed from (four statements).
    Costs are read past the caller's scope: a client without shared financials still sees the indices."""
    projects = [project for project in await session.scalars(
        scoped(select(Project), Project, principal).where(Project.id.in_(list(project_ids))))
        if sees_earned_value(principal, client_id=project.client_id)]
    ids = [project.id for project in projects]
    if not ids:
        return {}
    milestones = list(await session.scalars(
        select(Milestone).where(Milestone.project_id.in_(ids)).order_by(Milestone.id)
        .execution_options(tenant_backstop=False)))
    history: dict[int, list[Progress]] = defaultdict(list)
    for row in await session.scalars(
            select(MilestoneProgress).where(MilestoneProgress.project_id.in_(ids))
            .order_by(MilestoneProgress.effective_on, MilestoneProgress.id).execution_options(tenant_backstop=False)):
        history[row.milestone_id].append(Progress(effective_on=row.effective_on, percent=row.percent_complete,
                                                  status=row.status))
    costs: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for project_id, period_end, amount in await session.execute(
            select(ActualCost.project_id, ActualCost.period_end, ActualCost.amount)
            .where(ActualCost.project_id.in_(ids), standing()).order_by(ActualCost.period_end, ActualCost.id)
            .execution_options(tenant_backstop=False)):
        costs[project_id].append((period_end, Decimal(amount)))
    packages: dict[int, list[WorkPackage]] = defaultdict(list)
    for milestone in milestones:
        packages[milestone.project_id].append(WorkPackage(
            planned_value=Decimal(milestone.planned_value), baseline=milestone.baseline_date, key=milestone.id,
            history=tuple(history.get(milestone.id) or _untracked(milestone))))
    return {project.id: (project, Baseline(start=project.start_date, budget=Decimal(project.budget_at_completion),
                                           rule=project.earning_rule, packages=tuple(packages[project.id]),
                                           costs=tuple(costs[project.id])))
            for project in projects}


def _untracked(milestone: Milestone) -> list[Progress]:
    """A milestone with no history kept (made before it was): its current state, from when it was last changed."""
    since = (milestone.accepted_at or milestone.updated_at or milestone.created_at or utcnow()).date()
    return [Progress(effective_on=since, percent=milestone.percent_complete, status=milestone.status)]


async def today_for_clients(session: AsyncSession, *, client_ids: Sequence[int]) -> dict[int, date]:
    """Today's date in each client's site time zone (UTC without a site)."""
    now = utcnow()
    zones = dict((await session.execute(select(Site.client_id, Site.time_zone)
                                        .where(Site.client_id.in_(list(client_ids)))
                                        .execution_options(tenant_backstop=False))).all())
    return {client_id: _local_date(now, zones.get(client_id)) for client_id in client_ids}


def _local_date(now: datetime, zone: str | None) -> date:
    try:
        return now.astimezone(ZoneInfo(zone or "UTC")).date()
    except (KeyError, ValueError):
        return now.date()


async def project_values(session: AsyncSession, *, principal: Principal,
                         requests: Sequence[tuple[int, date | None]]) -> list[ProjectValue | None]:
    """The measures of each (project, date) asked for, in order; None where the principal may not see them. A
    missing date is today in the client's site time zone."""
    found = await baselines(session, principal=principal, project_ids=sorted({pid for pid, _ in requests}))
    today = await today_for_clients(session, client_ids=sorted({p.client_id for p, _ in found.values()}))
    values: list[ProjectValue | None] = []
    for project_id, as_of in requests:
        if project_id not in found:
            values.append(None)
            continue
        project, baseline = found[project_id]
        values.append(ProjectValue(project=project, measures=measure(baseline, as_of or today[project.client_id]),
                                   shows_money=sees_financials(principal, client_id=project.client_id,
                                                               financials_shared=project.financials_shared)))
    return values


MAX_TREND_POINTS = 260  # five years of weeks


def period_ends(start: date, end: date, *, weekly: bool) -> list[date]:
    """The month ends (or Sundays) from `start` to `end`, both included; InvalidInput past MAX_TREND_POINTS."""
    if start > end:
        raise InvalidInput("`from` must not be after `to`", field="from")
    if weekly:
        first = start + timedelta(days=(6 - start.weekday()) % 7)
        found = [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)] if first <= end else []
    else:
        found = []
        year, month = start.year, start.month
        while (last := date(year, month, calendar.monthrange(year, month)[1])) <= end:
            found.append(last)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if len(found) > MAX_TREND_POINTS:
        raise InvalidInput(f"a trend has at most {MAX_TREND_POINTS} points: shorten the range or use MONTH",
                           field="from")
    return found


async def trends(session: AsyncSession, *, principal: Principal, project_ids: Sequence[int], start: date | None,
                 end: date | None, weekly: bool) -> list[list[ProjectValue] | None]:
    """Each project's measures at each period end from `start` (its start) to `end` (today in its client's time
    zone), from one read of what they are computed from for all of them; None where not visible."""
    found = await baselines(session, principal=principal, project_ids=project_ids)
    today = await today_for_clients(session, client_ids=sorted({p.client_id for p, _ in found.values()}))
    results: list[list[ProjectValue] | None] = []
    for project_id in project_ids:
        if project_id not in found:
            results.append(None)
            continue
        project, baseline = found[project_id]
        until = end or today[project.client_id]
        if start is None and project.start_date > until:  # a project that has not begun has no trend yet
            results.append([])
            continue
        money = sees_financials(principal, client_id=project.client_id, financials_shared=project.financials_shared)
        results.append([ProjectValue(project=project, measures=measure(baseline, when), shows_money=money)
                        for when in period_ends(start or project.start_date, until, weekly=weekly)])
    return results


async def portfolio(session: AsyncSession, *, principal: Principal, client_id: int | None,
                    as_of: date | None) -> list[ProjectValue]:
    """The measures of every project the principal may see the earned value of (of one client, or of all),
    cancelled ones aside, by client and code."""
    return (await portfolios(session, principal=principal, client_ids=None if client_id is None else [client_id],
                             as_of=as_of))[client_id]


async def portfolios(session: AsyncSession, *, principal: Principal, client_ids: Sequence[int] | None,
                     as_of: date | None) -> dict[int | None, list[ProjectValue]]:
    """Portfolios of several clients at once (keyed by client id), or of every client (keyed by None)."""
    statement = (scoped(select(Project.id), Project, principal).where(Project.status != ProjectStatus.CANCELLED)
                 .order_by(Project.client_id, Project.code))
    if client_ids is not None:
        statement = statement.where(Project.client_id.in_(list(client_ids)))
    ids = list(await session.scalars(statement))
    values = await project_values(session, principal=principal, requests=[(project_id, as_of) for project_id in ids])
    found: dict[int | None, list[ProjectValue]] = {key: [] for key in (client_ids or [None])}
    for value in values:
        if value is not None:
            found[value.project.client_id if client_ids is not None else None].append(value)
    return found
