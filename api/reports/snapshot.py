"""What a status report freezes at publication: the project's health, progress and delivery metrics."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.projects.models import (
    Milestone,
    MilestoneStatus,
    Project,
    Risk,
    RiskStatus,
    Visibility,
)
from api.reports.models import StatusReport

CENTS = Decimal("0.01")


async def freeze(session: AsyncSession, *, report: StatusReport, project: Project) -> None:
    """Copy the project's current health (five dimensions), percent complete and delivery metrics into `report`."""
    report.health_overall = project.health_overall
    report.health_schedule = project.health_schedule
    report.health_cost = project.health_cost
    report.health_scope = project.health_scope
    report.health_quality = project.health_quality
    report.percent_complete = project.percent_complete
    report.metrics = await delivery_metrics(session, project=project)


async def delivery_metrics(session: AsyncSession, *, project: Project) -> dict[str, Any]:
    """The project's delivery figures as of now, in the shape a report's metrics snapshot keeps them."""
    accepted = func.count(case((Milestone.status == MilestoneStatus.ACCEPTED, 1)))
    milestones = (
        await session.execute(select(accepted, func.count()).where(Milestone.project_id == project.id))
    ).one()
    # The snapshot is shown to the client, so it counts only the risks and issues the client can see.
    open_risks = await session.scalar(
        select(func.count()).where(
            Risk.project_id == project.id, Risk.visibility == Visibility.CLIENT, Risk.status != RiskStatus.CLOSED
        )
    )
    return {
        "milestones_accepted": milestones[0],
        "milestones_total": milestones[1],
        "open_risks": open_risks or 0,
        "actual_cost_to_date": str(project.actual_cost.quantize(CENTS)),
        "currency": project.currency,
    }
