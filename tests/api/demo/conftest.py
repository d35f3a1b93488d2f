"""Fresh SQLite databases made from the models' metadata, the seeded demo data set, and query helpers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.demo.seed import seed_demo
from api.kit.database import create_engine, create_session_factory
from api.models import Base, Membership, Organization, Role

# Far from the real calendar, so a date taken from the clock instead of `today` shows up.
TODAY = date(2030, 6, 12)
WINDOW_START = TODAY - timedelta(days=365)
HEALTH_COLUMNS = ("health_overall", "health_schedule", "health_cost", "health_scope", "health_quality")

# Timestamps stamped by column defaults, and the one deliberately random secret.
UNSEEDED_COLUMNS = {"created_at", "updated_at", "occurred_at"}
SECRET_COLUMNS = {("sites", "site_key")}

SessionFactory = async_sessionmaker[Any]
NewDatabase = Callable[[], Awaitable[SessionFactory]]


@pytest.fixture
async def new_database(tmp_path: Path) -> AsyncIterator[NewDatabase]:
    """Make empty databases on demand (each its own SQLite file); all are disposed of afterwards."""
    engines: list[AsyncEngine] = []

    async def create() -> SessionFactory:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / f'demo-{len(engines)}.db'}")
        engines.append(engine)
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        return create_session_factory(engine)

    yield create
    for engine in engines:
        await engine.dispose()


@pytest.fixture
async def demo(new_database: NewDatabase) -> AsyncIterator[AsyncSession]:
    """A session on a database holding the committed demo data set as of TODAY."""
    session_factory = await new_database()
    async with session_factory() as session:
        await seed_demo(session, today=TODAY)
        await session.commit()
    async with session_factory() as session:
        yield session


async def all_of(session: AsyncSession, model: type[Any]) -> list[Any]:
    """Every row of `model`, in id order."""
    return list((await session.scalars(select(model).order_by(model.id))).all())


async def roles_by_user(session: AsyncSession) -> dict[int, list[tuple[Role, Organization]]]:
    """Each user's memberships as (role, organization) pairs."""
    roles: dict[int, list[tuple[Role, Organization]]] = defaultdict(list)
    for membership, organization in await session.execute(select(Membership, Organization).join(Organization)):
        roles[membership.user_id].append((membership.role, organization))
    return roles


async def dump_content(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in id order, without default timestamps and secrets."""
    content = {}
    for table in Base.metadata.sorted_tables:
        columns = [
            column
            for column in table.columns
            if column.name not in UNSEEDED_COLUMNS and (table.name, column.name) not in SECRET_COLUMNS
        ]
        rows = await session.execute(select(*columns).order_by(*table.primary_key.columns))
        content[table.name] = [tuple(row) for row in rows]
    return content
