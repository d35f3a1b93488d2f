"""Migrations create exactly the schema the models describe, on every backend; SQLite readers take no write lock."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from api.app import create_app
from api.auth.models import Role
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory, reading
from api.models import Base
from api.organizations.models import OrganizationKind
from tests.fixtures.auth import settings_for, token_for
from tests.fixtures.database import schema_differences
from tests.fixtures.factories import make_organization, make_user


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



def _writer_holding_the_lock(url: str) -> sqlite3.Connection:
    """Another process's writer, mid-transaction: it holds SQLite's write lock until it commits."""
    writer = sqlite3.connect(make_url(url).database, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE organizations SET name = name")
    return writer


def test_on_sqlite_queries_answer_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rapport.db'}"
    upgrade_database(url)
    settings = settings_for(url, tmp_path)
    user_id = asyncio.run(_pmo_staff(url))
    headers = {"Authorization": f"Bearer {token_for(settings, user_id)}"}
    with TestClient(create_app(settings)) as http:
        writer = _writer_holding_the_lock(url)
        try:
            answered = http.post("/graphql", json={"query": "{ clients(first: 5) { totalCount } }"}, headers=headers)
        finally:
            writer.rollback()
            writer.close()
        assert answered.status_code == 200, answered.text
        assert answered.json()["data"] == {"clients": {"totalCount": 0}}


async def _pmo_staff(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            pmo = await make_organization(session, kind=OrganizationKind.PMO)
            user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
            await session.commit()
            return user.id
    finally:
        await engine.dispose()


async def test_a_write_inside_a_read_only_transaction_fails_at_once_instead_of_taking_the_lock(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rapport.db'}"
    await asyncio.to_thread(upgrade_database, url)
    engine = create_engine(url)
    try:
        with reading():
            async with engine.connect() as connection:
                with pytest.raises(OperationalError, match="readonly"):
                    await connection.execute(text("UPDATE organizations SET name = name"))
        async with engine.begin() as connection:  # outside, the same pooled connection writes again
            await connection.execute(text("UPDATE organizations SET name = name"))
    finally:
        await engine.dispose()
