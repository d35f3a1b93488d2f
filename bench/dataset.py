"""A benchmark data set of a stated size: one client with many projects, milestones, reports, risks, feedback."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, Role, User
from api.cx.feedback.models import Feedback, FeedbackChannel
from api.cx.models import Touchpoint
from api.organizations.models import ClientSector, Organization, OrganizationKind
from api.projects.models import (
    Health,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    ProjectPhase,
    ProjectStatus,
    Risk,
    RiskKind,
    RiskSeverity,
    RiskStatus,
    Visibility,
)
from api.reports.models import ReportCadence, ReportState, StatusReport
from api.sites.models import Site


@dataclass(frozen=True)
class Size:
    """How much data the benchmark client has."""

    projects: int = 50
    milestones: int = 20
    reports: int = 12
    risks: int = 5
    feedback: int = 200

    def describe(self) -> str:
        return (f"1 client, {self.projects} projects x {self.milestones} milestones, {self.reports} monthly reports "
                f"and {self.risks} risks per project, {self.feedback} feedback responses")


async def seed(session: AsyncSession, size: Size) -> tuple[str, int]:
    """Create the data set; returns the client's slug and a client executive's user id."""
    rng = random.Random(7)
    client = Organization(slug="bench-agency", name="Benchmark Agency", kind=OrganizationKind.CLIENT,
                          sector=ClientSector.FEDERAL)
    session.add(client)
    await session.flush()
    session.add(Site(client_id=client.id, site_key="b" * 32))
    executive = User(email="exec@bench.example", name="Bench Executive")
    session.add(executive)
    await session.flush()
    session.add(Membership(user_id=executive.id, organization_id=client.id, role=Role.CLIENT_EXECUTIVE))
    start = date(2025, 1, 6)
    for number in range(size.projects):
        project = Project(client_id=client.id, code=f"BA-{number:03d}", name=f"Programme {number}", summary="Delivery",
                          status=ProjectStatus.ACTIVE, phase=ProjectPhase.EXECUTION, start_date=start,
                          end_date=start + timedelta(days=720), budget_at_completion=Decimal("1000000.00"),
                          actual_cost=Decimal("400000.00"), financials_shared=True,
                          health_overall=rng.choice(list(Health)), percent_complete=rng.randint(0, 100))
        session.add(project)
        await session.flush()
        session.add_all(_milestones(project, size, start, rng) + _reports(project, size, start) + _risks(project, size))
    session.add_all(_feedback(client.id, size, rng))
    await session.flush()
    return client.slug, executive.id


def _milestones(project: Project, size: Size, start: date, rng: random.Random) -> list[Milestone]:
    return [Milestone(project_id=project.id, kind=MilestoneKind.DELIVERABLE, name=f"Deliverable {index}",
                      baseline_date=start + timedelta(days=30 * index), forecast_date=start + timedelta(days=30 * index + 5),
                      status=rng.choice(list(MilestoneStatus)), planned_value=Decimal("50000.00"),
                      percent_complete=rng.randint(0, 100)) for index in range(size.milestones)]


def _reports(project: Project, size: Size, start: date) -> list[StatusReport]:
    reports = []
    for index in range(size.reports):
        first = start + timedelta(days=31 * index)
        reports.append(StatusReport(
            project_id=project.id, cadence=ReportCadence.MONTHLY, state=ReportState.PUBLISHED, period_start=first,
            period_end=first + timedelta(days=27), title=f"Monthly status {index + 1}", summary="Progressing.",
            health_overall=project.health_overall, health_schedule=Health.GREEN, health_cost=Health.GREEN,
            health_scope=Health.GREEN, health_quality=Health.GREEN, percent_complete=project.percent_complete,
            published_at=datetime.combine(first + timedelta(days=28), datetime.min.time(), UTC)))
    return reports


def _risks(project: Project, size: Size) -> list[Risk]:
    return [Risk(project_id=project.id, kind=RiskKind.RISK, title=f"Risk {index}", probability=3, impact=3,
                 severity=RiskSeverity.HIGH, owner_name="PM", status=RiskStatus.OPEN, visibility=Visibility.CLIENT,
                 raised_on=date(2025, 3, 1)) for index in range(size.risks)]


def _feedback(client_id: int, size: Size, rng: random.Random) -> list[Feedback]:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    return [Feedback(client_id=client_id, touchpoint=rng.choice(list(Touchpoint)), csat=rng.randint(1, 5),
                     nps=rng.randint(0, 10), ces=rng.randint(1, 7), channel=FeedbackChannel.API,
                     pain_points=[], submitted_at=now - timedelta(days=rng.randint(0, 300)))
            for _ in range(size.feedback)]
