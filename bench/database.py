"""A database for one benchmark run: a SQLite file in a folder, or a fresh database on a PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def temporary_database(postgres: str | None, folder: str) -> Iterator[str]:
    """A SQLite file in `folder`, or a fresh database on the PostgreSQL server, dropped afterwards."""
    if postgres is None:
        yield f"sqlite+aiosqlite:///{folder}/bench.db"
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from api.kit.database import create_engine

    async def admin(statement: str) -> None:
        engine = create_engine(postgres, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    name = f"rapport_bench_{os.getpid()}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
