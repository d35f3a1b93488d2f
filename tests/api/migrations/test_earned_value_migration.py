"""Migration 0009 on a database that holds projects: today's cost to date becomes one opening entry, and each
milestone's current progress one history row from the day it last changed."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import text

from api.database import upgrade_database
from api.kit.columns import UTCDateTime
from api.kit.database import create_engine

STAMP = datetime(2026, 3, 5, 10, tzinfo=UTC)


def _stamps() -> tuple[sa.ColumnClause, ...]:
    return sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime())


ORGANIZATIONS = sa.table("organizations", sa.column("id"), sa.column("slug"), sa.column("name"), sa.column("kind"),
                         sa.column("created_at", UTCDateTime()))
PROJECTS = sa.table("projects", *(sa.column(name) for name in (
    "id", "client_id", "code", "name", "summary", "status", "phase", "currency", "financials_shared", "health_overall",
    "health_schedule", "health_cost", "health_scope", "health_quality", "percent_complete")),
    sa.column("start_date", sa.Date()), sa.column("end_date", sa.Date()),
    sa.column("budget_at_completion", sa.Numeric(14, 2)), sa.column("actual_cost", sa.Numeric(14, 2)), *_stamps())
MILESTONES = sa.table("milestones", *(sa.column(name) for name in (
    "id", "project_id", "kind", "name", "description", "status", "percent_complete")),
    sa.column("baseline_date", sa.Date()), sa.column("forecast_date", sa.Date()),
    sa.column("planned_value", sa.Numeric(14, 2)), *_stamps())


async def _seed(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(ORGANIZATIONS.insert().values(id=1, slug="harbor", name="Harbor", kind="CLIENT",
                                                               created_at=STAMP))
        for pid, cost in ((1, "1234.50"), (2, "0.00")):
            await connection.execute(PROJECTS.insert().values(
                id=pid, client_id=1, code=f"P-{pid}", name="P", summary="", status="ACTIVE", phase="EXECUTION",
                currency="USD", financials_shared=False, health_overall="GREEN", health_schedule="GREEN",
                health_cost="GREEN", health_scope="GREEN", health_quality="GREEN", percent_complete=40,
                start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), budget_at_completion=Decimal("10000"),
                actual_cost=Decimal(cost), created_at=STAMP, updated_at=STAMP))
        await connection.execute(MILESTONES.insert().values(
            id=1, project_id=1, kind="MILESTONE", name="M", description="", status="IN_PROGRESS", percent_complete=60,
            baseline_date=date(2026, 6, 1), forecast_date=date(2026, 6, 1), planned_value=Decimal("5000"),
            created_at=STAMP, updated_at=STAMP))
    await engine.dispose()


async def _read(url: str) -> tuple[list, list]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        costs = (await connection.execute(text(
            "SELECT project_id, period_end, amount, note FROM actual_costs ORDER BY project_id"))).all()
        progress = (await connection.execute(text(
            "SELECT milestone_id, project_id, effective_on, percent_complete, status FROM milestone_progress"))).all()
    await engine.dispose()
    return costs, progress


def test_the_cost_to_date_becomes_an_opening_entry_and_progress_its_first_history_row(fresh_database_url: str) -> None:
    upgrade_database(fresh_database_url, "0008")
    asyncio.run(_seed(fresh_database_url))
    upgrade_database(fresh_database_url)
    costs, progress = asyncio.run(_read(fresh_database_url))
    [(project_id, period_end, amount, note)] = costs  # a project with no cost gets no entry
    assert project_id == 1 and Decimal(amount) == Decimal("1234.50") and note.startswith("Opening balance")
    assert str(period_end)[:10] == datetime.now(UTC).date().isoformat()
    [(milestone_id, pid, effective_on, percent, status)] = progress
    assert (milestone_id, pid, percent, status) == (1, 1, 60, "IN_PROGRESS")
    assert str(effective_on)[:10] == date(2026, 3, 5).isoformat()
