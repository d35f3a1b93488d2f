"""Seed the deterministic demo data set: the Northwind Delivery PMO and a year of its work."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo.comments import add_comments
from api.demo.cx_program import add_action_items, add_mystery_shops
from api.demo.data import DEMO_PMO_SLUG
from api.demo.earned_value import add_earned_value_history
from api.demo.feedback import add_feedback
from api.demo.people import add_cast, add_preferences
from api.demo.projects import add_projects
from api.demo.reports import add_status_reports
from api.models import Base, Organization

DEMO_SEED = 20261122
DEMO_ADMIN_EMAIL = "dana.whitfield@northwind-pmo.example"
DEMO_STAFF_EMAIL = "marcus.oyelaran@northwind-pmo.example"

__all__ = [
    "DEMO_ADMIN_EMAIL",
    "DEMO_PMO_SLUG",
    "DEMO_SEED",
    "DEMO_STAFF_EMAIL",
    "SeedResult",
    "seed_demo",
    "table_counts",
]


@dataclass(frozen=True)
class SeedResult:
    """Whether this call created the demo data, and the row count of every table afterwards."""

    created: bool
    counts: dict[str, int]


async def seed_demo(session: AsyncSession, *, today: date, seed: int = DEMO_SEED) -> SeedResult:
    """Add the demo data set as of `today` unless the demo PMO exists; flushes, never commits."""
    existing = await session.scalar(select(Organization.id).where(Organization.slug == DEMO_PMO_SLUG))
    if existing is not None:
        return SeedResult(created=False, counts=await table_counts(session=session))
    rng = random.Random(seed)
    cast = await add_cast(session=session)
    await add_preferences(session=session, cast=cast)
    projects = await add_projects(session=session, rng=rng, cast=cast, today=today)
    await add_earned_value_history(session=session, projects=projects, today=today)
    await add_status_reports(session=session, rng=rng, projects=projects, today=today)
    responses = await add_feedback(session=session, rng=rng, cast=cast, projects=projects, today=today)
    await add_action_items(session=session, rng=rng, cast=cast, responses=responses, today=today)
    await add_mystery_shops(session=session, rng=rng, cast=cast, projects=projects, today=today)
    await add_comments(session=session, projects=projects, today=today)
    return SeedResult(created=True, counts=await table_counts(session=session))


async def table_counts(*, session: AsyncSession) -> dict[str, int]:
    """The number of rows in every table, by table name."""
    counts = {}
    for table in sorted(Base.metadata.tables.values(), key=lambda table: table.name):
        counts[table.name] = await session.scalar(select(func.count()).select_from(table)) or 0
    return counts
