"""Benchmark clients for the microsite builds: each client's site has about 25 pages."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.action_items.models import ActionItem, ActionItemStatus
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
from sitegen.pages.performance import MONTHS_KEPT

START = date(2025, 1, 6)
TEXT = ("The team closed the sprint with every committed item accepted by the product owner. "
        "Interface testing with the partner agency moved to the second week of the month.")


@dataclass(frozen=True)
class ClientSize:
    """What each benchmark client has."""

    projects: int = 4
    reports: int = 5
    milestones: int = 8
    risks: int = 3
    feedback: int = 20
    action_items: int = 3

    @property
    def pages(self) -> int:
        """Pages of one client's site: home, executive summary, You said we did, feedback, contacts, search, and
        per project its page, its reports and its monthly performance reports (projects began years ago)."""
        return 6 + self.projects * (1 + self.reports + MONTHS_KEPT)

    def describe(self) -> str:
        return (f"{self.pages} pages each ({self.projects} projects x {self.reports} published reports and "
                f"{MONTHS_KEPT} monthly performance reports, "
                f"{self.milestones} milestones and {self.risks} risks per project, {self.feedback} feedback "
                f"responses, {self.action_items} action items)")


def client_slug(number: int) -> str:
    """The slug of benchmark client `number`."""
    return f"client-{number:04d}"


async def seed_clients(session: AsyncSession, *, clients: int, size: ClientSize) -> list[str]:
    """`clients` clients with enabled sites; returns their slugs."""
    rng = random.Random(11)
    for number in range(clients):
        client = Organization(slug=client_slug(number), name=f"Agency {number:04d}", kind=OrganizationKind.CLIENT,
                              sector=ClientSector.FEDERAL)
        session.add(client)
        await session.flush()
        session.add(Site(client_id=client.id, site_key=f"{number:032x}", brand_name=client.name))
        for index in range(size.projects):
            project = Project(client_id=client.id, code=f"C{number:04d}-{index}", name=f"Programme {number}.{index}",
                              summary=TEXT, status=ProjectStatus.ACTIVE, phase=ProjectPhase.EXECUTION,
                              start_date=START, end_date=START + timedelta(days=720),
                              budget_at_completion=Decimal("1000000.00"), actual_cost=Decimal("400000.00"),
                              financials_shared=True, health_overall=rng.choice(list(Health)),
                              percent_complete=rng.randint(0, 100))
            session.add(project)
            await session.flush()
            session.add_all(_milestones(project, size, rng) + _reports(project, size) + _risks(project, size))
        session.add_all(_feedback(client.id, size, rng) + _action_items(client.id, size))
        await session.flush()
    return [client_slug(number) for number in range(clients)]


async def rename_first_project(session: AsyncSession, *, number: int, name: str) -> None:
    """Change what one client's site shows: the name of its first project (through the ORM, as Rapport writes, so
    that only that client's data version moves)."""
    project = await session.scalar(select(Project).where(Project.code == f"C{number:04d}-0"))
    project.name = name


def _milestones(project: Project, size: ClientSize, rng: random.Random) -> list[Milestone]:
    return [Milestone(project_id=project.id, kind=MilestoneKind.DELIVERABLE, name=f"Deliverable {index}",
                      baseline_date=START + timedelta(days=60 * index),
                      forecast_date=START + timedelta(days=60 * index + 5), status=rng.choice(list(MilestoneStatus)),
                      planned_value=Decimal("50000.00"), percent_complete=rng.randint(0, 100))
            for index in range(size.milestones)]


def _reports(project: Project, size: ClientSize) -> list[StatusReport]:
    reports = []
    for index in range(size.reports):
        first = START + timedelta(days=31 * index)
        reports.append(StatusReport(
            project_id=project.id, cadence=ReportCadence.MONTHLY, state=ReportState.PUBLISHED, period_start=first,
            period_end=first + timedelta(days=27), title=f"Monthly status {index + 1}", summary=TEXT,
            accomplishments=TEXT, next_steps=TEXT, health_overall=project.health_overall,
            health_schedule=Health.GREEN, health_cost=Health.GREEN, health_scope=Health.GREEN,
            health_quality=Health.GREEN, percent_complete=project.percent_complete,
            published_at=datetime.combine(first + timedelta(days=28), datetime.min.time(), UTC)))
    return reports


def _risks(project: Project, size: ClientSize) -> list[Risk]:
    return [Risk(project_id=project.id, kind=RiskKind.RISK, title=f"Risk {index}", description=TEXT, probability=3,
                 impact=3, severity=RiskSeverity.HIGH, owner_name="PM", mitigation=TEXT, status=RiskStatus.OPEN,
                 visibility=Visibility.CLIENT, raised_on=date(2025, 3, 1)) for index in range(size.risks)]


def _feedback(client_id: int, size: ClientSize, rng: random.Random) -> list[Feedback]:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    return [Feedback(client_id=client_id, touchpoint=rng.choice(list(Touchpoint)), csat=rng.randint(1, 5),
                     nps=rng.randint(0, 10), ces=rng.randint(1, 7), channel=FeedbackChannel.API, pain_points=[],
                     submitted_at=now - timedelta(days=rng.randint(0, 300))) for _ in range(size.feedback)]


def _action_items(client_id: int, size: ClientSize) -> list[ActionItem]:
    return [ActionItem(client_id=client_id, title=f"Action {index}", you_said="Reports arrive late.",
                       we_did="Reports now go out on the first working day.", status=ActionItemStatus.DONE,
                       client_visible=True, completed_at=datetime(2026, 6, 1 + index, tzinfo=UTC))
            for index in range(size.action_items)]
