"""The build queue's tables: created once whoever gets there first, migrated by `rapport db upgrade`, and left
out of the comparison between Alembic's migrations and the models."""

from __future__ import annotations

import asyncio
import json

import psycopg
import pytest
from psycopg import sql

from api.database import upgrade_database
from sitegen.queue_schema import (
    APPLIED_NOTE,
    QueueSchemaError,
    prepare_queue_schema,
    queue_conninfo,
    shipped_migrations,
)
from tests.fixtures.database import schema_differences

pytestmark = pytest.mark.postgres


async def _query(url: str, statement: str) -> list[tuple]:
    async with await psycopg.AsyncConnection.connect(queue_conninfo(url)) as connection:
        return await (await connection.execute(statement)).fetchall()  # type: ignore[arg-type]


async def test_workers_starting_together_create_the_tables_once(fresh_postgres_database_url: str) -> None:
    url = fresh_postgres_database_url
    outcomes = await asyncio.gather(*(prepare_queue_schema(url) for _ in range(3)))
    assert sorted(outcomes) == ["created", "up to date", "up to date"]
    assert await prepare_queue_schema(url, migrate=True) == "up to date"
    assert await _query(url, "SELECT count(*) FROM procrastinate_jobs") == [(0,)]


async def test_the_queue_tables_do_not_count_as_differences_from_the_models(fresh_postgres_database_url: str) -> None:
    url = fresh_postgres_database_url
    await asyncio.to_thread(upgrade_database, url)
    await prepare_queue_schema(url)
    assert await schema_differences(url) == []
    # and a migration run afterwards leaves them alone
    await asyncio.to_thread(upgrade_database, url)
    assert await _query(url, "SELECT to_regclass('procrastinate_jobs') IS NOT NULL") == [(True,)]


async def test_tables_of_an_older_procrastinate_are_refused_until_db_upgrade_migrates_them(
    fresh_postgres_database_url: str,
) -> None:
    url = fresh_postgres_database_url
    scripts = shipped_migrations()
    older, missing = scripts[:-3], scripts[-3:]
    async with await psycopg.AsyncConnection.connect(queue_conninfo(url), autocommit=True) as connection:
        for script in older:  # the tables as an older release left them
            await connection.execute(script.read_text(encoding="utf-8"))  # type: ignore[arg-type]
        note = APPLIED_NOTE + json.dumps([script.name for script in older])
        await connection.execute(sql.SQL("COMMENT ON TABLE procrastinate_jobs IS {}").format(sql.Literal(note)))

    with pytest.raises(QueueSchemaError, match="run `rapport db upgrade`") as refusal:
        await prepare_queue_schema(url)
    assert all(script.name in str(refusal.value) for script in missing) and "\n" not in str(refusal.value)

    assert await prepare_queue_schema(url, migrate=True) == f"applied {len(missing)} migrations"
    assert await prepare_queue_schema(url) == "up to date"


def test_the_queue_connects_with_the_same_credentials_and_tls_as_the_database() -> None:
    conninfo = queue_conninfo("postgresql+asyncpg://rapport:s%40cret@db.internal:6543/rapport"
                              "?ssl=require&prepared_statement_cache_size=0")
    options = psycopg.conninfo.conninfo_to_dict(conninfo)
    assert options == {"host": "db.internal", "port": "6543", "dbname": "rapport", "user": "rapport",
                       "password": "s@cret", "sslmode": "require"}
