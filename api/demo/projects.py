"""The demo projects with their assignments, milestones, deliverables and risk registers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import User
from api.demo import delivery_texts as texts
from api.demo.data import PROJECTS, ProjectSpec
from api.demo.dates import add_months, at_utc
from api.demo.people import Cast, ClientCast
from api.projects.models import (
    Assignment,
    Health,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    ProjectStatus,
    Risk,
    RiskKind,
    RiskStatus,
    Visibility,
)
from api.projects.rules import risk_severity
from api.reports.models import StatusReport

CENTS = Decimal("0.01")
HOLD_WEEKS = 7
LEAD_DAYS = 90  # work on a milestone or deliverable starts this long before its forecast date
PACE = {Health.GREEN: 1.0, Health.AMBER: 0.93, Health.RED: 0.85}
COST_FACTOR = {Health.GREEN: (0.94, 1.03), Health.AMBER: (1.06, 1.12), Health.RED: (1.15, 1.25)}
SLIP_DAYS = {Health.GREEN: (0, 0, 0, 7), Health.AMBER: (0, 7, 14, 21), Health.RED: (14, 21, 35, 49)}


@dataclass
class SeededProject:
    """A demo project with what the later steps need to tell its story over time."""

    spec: ProjectSpec
    project: Project
    client: ClientCast
    manager: User
    trouble_since: date  # when the current health took hold; GREEN before, milder just before
    hold_date: date | None
    milestones: list[Milestone] = field(default_factory=list)
    reports: list[StatusReport] = field(default_factory=list)

    def health_on(self, day: date) -> tuple[Health, ...]:
        """The five health ratings (overall, schedule, cost, scope, quality) as they stood on `day`."""
        if day >= self.trouble_since:
            return self.spec.health
        if day >= self.trouble_since - timedelta(weeks=6):
            return tuple(Health.AMBER if health is Health.RED else Health.GREEN for health in self.spec.health)
        return (Health.GREEN,) * 5

    def percent_complete_on(self, day: date) -> int:
        """Percent complete on `day`, following the schedule at the pace the project's health allows."""
        project = self.project
        if project.status is ProjectStatus.PLANNED or day < project.start_date:
            return 0
        if project.status is ProjectStatus.CLOSED and day >= project.end_date:
            return 100
        progress_day = min(day, self.hold_date) if self.hold_date else day
        elapsed = (progress_day - project.start_date).days / (project.end_date - project.start_date).days
        pace = 1.0 if project.status is ProjectStatus.CLOSED else PACE[self.spec.health[0]]
        return max(1, min(99, round(100 * elapsed * pace)))


async def add_projects(*, session: AsyncSession, rng: random.Random, cast: Cast, today: date) -> list[SeededProject]:
    """Add every demo project with its team, milestones and risks, as they stand on `today`."""
    seeded = []
    for spec in PROJECTS:
        client = next(c for c in cast.clients if c.organization.slug == spec.client_slug)
        seeded_project = _new_project(rng=rng, spec=spec, client=client, cast=cast, today=today)
        session.add(seeded_project.project)
        await session.flush()
        session.add_all(_assignments(spec=spec, project=seeded_project.project, cast=cast))
        seeded_project.milestones = _milestones(rng=rng, seeded=seeded_project, today=today)
        session.add_all(seeded_project.milestones)
        session.add_all(_risks(rng=rng, seeded=seeded_project, today=today))
        await session.flush()
        seeded.append(seeded_project)
    return seeded


def _new_project(
    *, rng: random.Random, spec: ProjectSpec, client: ClientCast, cast: Cast, today: date
) -> SeededProject:
    start = add_months(today, spec.starts_in_months)
    end = add_months(start, spec.duration_months)
    manager = cast.staff[spec.team[0][0]]
    overall, schedule, cost, scope, quality = spec.health
    project = Project(
        client_id=client.organization.id,
        code=spec.code,
        name=spec.name,
        summary=spec.summary,
        status=spec.status,
        phase=spec.phase,
        start_date=start,
        end_date=end,
        currency="USD",
        budget_at_completion=spec.budget,
        financials_shared=spec.financials_shared,
        health_overall=overall,
        health_schedule=schedule,
        health_cost=cost,
        health_scope=scope,
        health_quality=quality,
        manager_id=manager.id,
    )
    last_day = min(today, end)
    seeded = SeededProject(
        spec=spec,
        project=project,
        client=client,
        manager=manager,
        trouble_since=max(start, last_day - timedelta(days=rng.randint(35, 130))),
        hold_date=today - timedelta(weeks=HOLD_WEEKS) if spec.status is ProjectStatus.ON_HOLD else None,
    )
    project.percent_complete = seeded.percent_complete_on(today)
    low, high = (0.96, 1.03) if spec.status is ProjectStatus.CLOSED else COST_FACTOR[cost]
    cost_factor = Decimal(f"{rng.uniform(low, high):.4f}")
    project.actual_cost = (spec.budget * project.percent_complete / 100 * cost_factor).quantize(CENTS)
    return seeded


def _assignments(*, spec: ProjectSpec, project: Project, cast: Cast) -> list[Assignment]:
    assignments = [
        Assignment(project_id=project.id, organization_id=cast.pmo.id, user_id=cast.staff[email].id, role=role)
        for email, role in spec.team
    ]
    if spec.subcontractor is not None:
        slug, role = spec.subcontractor
        assignments.append(Assignment(project_id=project.id, organization_id=cast.subcontractors[slug].id, role=role))
    return assignments


def _milestones(*, rng: random.Random, seeded: SeededProject, today: date) -> list[Milestone]:
    project, spec, client = seeded.project, seeded.spec, seeded.client
    duration = (project.end_date - project.start_date).days
    progress_day = seeded.hold_date or today
    weights = [2 if kind is MilestoneKind.MILESTONE else 1 for kind, _name in spec.milestones]
    planned_values = [(spec.budget * weight / sum(weights)).quantize(CENTS) for weight in weights]
    planned_values[-1] = spec.budget - sum(planned_values[:-1])
    milestones = []
    for index, (kind, name) in enumerate(spec.milestones):
        share_of_schedule = 0.08 + 0.87 * index / (len(spec.milestones) - 1)
        baseline = project.start_date + timedelta(days=round(duration * share_of_schedule))
        slip_choices = SLIP_DAYS[Health.GREEN if baseline < seeded.trouble_since else spec.health[1]]
        forecast = baseline + timedelta(days=rng.choice(slip_choices))
        if seeded.hold_date and forecast > seeded.hold_date:
            forecast += timedelta(weeks=HOLD_WEEKS + 8)
        milestone = Milestone(
            project_id=project.id,
            kind=kind,
            name=name,
            description=texts.MILESTONE_DESCRIPTIONS[kind].format(
                executive=client.executive.name, contracting_officer=client.contracting_officer.name
            ),
            baseline_date=baseline,
            forecast_date=forecast,
            planned_value=planned_values[index],
        )
        if project.status is ProjectStatus.CLOSED:
            milestone.forecast_date = min(forecast, project.end_date)
            _accept(rng=rng, milestone=milestone, client=client)
        elif project.status is ProjectStatus.PLANNED or forecast > progress_day + timedelta(days=LEAD_DAYS):
            milestone.status, milestone.percent_complete = MilestoneStatus.NOT_STARTED, 0
        elif forecast <= progress_day - timedelta(days=10):
            _accept(rng=rng, milestone=milestone, client=client)
        elif forecast <= progress_day:
            milestone.status, milestone.percent_complete = MilestoneStatus.SUBMITTED, 100
            milestone.completed_date = forecast
        else:
            days_worked = LEAD_DAYS - (forecast - progress_day).days
            milestone.status = MilestoneStatus.IN_PROGRESS
            milestone.percent_complete = max(5, min(95, round(100 * days_worked / LEAD_DAYS)))
        milestones.append(milestone)
    if spec.health[1] is Health.RED:
        _reject_first_overdue_deliverable(milestones=milestones, progress_day=progress_day)
    return milestones


def _accept(*, rng: random.Random, milestone: Milestone, client: ClientCast) -> None:
    milestone.status = MilestoneStatus.ACCEPTED
    milestone.percent_complete = 100
    milestone.completed_date = milestone.forecast_date
    accepted_on = milestone.forecast_date + timedelta(days=rng.randint(2, 7))
    milestone.accepted_at = at_utc(accepted_on, rng.randint(14, 21), rng.choice((0, 15, 30, 45)))
    accepter = client.contracting_officer if milestone.kind is MilestoneKind.DELIVERABLE else client.executive
    milestone.accepted_by_id = accepter.id


def _reject_first_overdue_deliverable(*, milestones: list[Milestone], progress_day: date) -> None:
    """On a project in schedule trouble, the first overdue deliverable came back rejected."""
    for milestone in milestones:
        overdue = milestone.baseline_date <= progress_day and milestone.status is not MilestoneStatus.ACCEPTED
        if milestone.kind is MilestoneKind.DELIVERABLE and overdue:
            milestone.status, milestone.percent_complete, milestone.completed_date = MilestoneStatus.REJECTED, 90, None
            milestone.forecast_date = max(milestone.forecast_date, progress_day + timedelta(days=21))
            return


def _risks(*, rng: random.Random, seeded: SeededProject, today: date) -> list[Risk]:
    project, client = seeded.project, seeded.client
    entries = [(RiskKind.RISK, Visibility.CLIENT, entry) for entry in rng.sample(texts.CLIENT_RISKS, 2)]
    entries.append((RiskKind.RISK, Visibility.INTERNAL, rng.choice(texts.INTERNAL_RISKS)))
    if project.health_overall is not Health.GREEN:
        entries.append((RiskKind.ISSUE, Visibility.CLIENT, rng.choice(texts.ISSUES)))
        entries.append((RiskKind.ISSUE, Visibility.INTERNAL, rng.choice(texts.ISSUES)))
    owners = (seeded.manager.name, client.executive.name, client.contracting_officer.name)
    known_days = max(1, (min(today, project.end_date) - project.start_date).days)
    risks = []
    for kind, visibility, (title, description, mitigation) in entries:
        probability = 5 if kind is RiskKind.ISSUE else rng.randint(1, 5)
        if project.health_overall is Health.RED:
            impact = rng.randint(2, 5)
        else:
            impact = rng.randint(1, 3) if kind is RiskKind.ISSUE else rng.randint(1, 4)
        if project.status is ProjectStatus.CLOSED:
            status = RiskStatus.CLOSED
        else:
            status = rng.choice((RiskStatus.OPEN, RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.CLOSED))
        raised_on = (
            today - timedelta(days=rng.randint(3, 40))
            if project.start_date > today
            else project.start_date + timedelta(days=rng.randrange(known_days))
        )
        risks.append(
            Risk(
                project_id=project.id,
                kind=kind,
                title=title,
                description=description,
                probability=probability,
                impact=impact,
                severity=risk_severity(probability=probability, impact=impact),
                owner_name=seeded.manager.name if visibility is Visibility.INTERNAL else rng.choice(owners),
                mitigation=mitigation,
                status=status,
                visibility=visibility,
                raised_on=raised_on,
            )
        )
    return risks
