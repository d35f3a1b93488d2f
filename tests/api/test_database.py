"""Migrations create exactly the schema the models describe, on every backend."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from api.database import upgrade_database
from api.kit.database import create_engine
from api.models import Base
from tests.fixtures.database import schema_differences


async def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_matches_the_models(fresh_database_url: str) -> None:
    assert await schema_differences(fresh_database_url) != []  # an empty database differs from the models

    await asyncio.to_thread(upgrade_database, fresh_database_url)

    assert await schema_differences(fresh_database_url) == []
    assert set(Base.metadata.tables) <= await _table_names(fresh_database_url)

