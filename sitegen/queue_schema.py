"""The build queue's own tables: procrastinate's schema, created once and migrated by `rapport db upgrade`.

procrastinate leaves it to its users to know which of its migration scripts a database has had. Rapport keeps
the names of the scripts the tables include in a comment on `procrastinate_jobs` (tables created from the
current schema include every script shipped so far), so a worker refuses to start on tables older than its
code and `rapport db upgrade` applies exactly the scripts that are missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from procrastinate.schema import SchemaManager
from psycopg import pq, sql
from sqlalchemy.engine import make_url

APPLIED_NOTE = "rapport: procrastinate migrations applied "
# Held while one process creates, checks or migrates the tables, so workers starting together do it once.
SCHEMA_LOCK_KEY = 0x5241_5050_4F52_5401
SSL_MODES = {"true": "require", "false": "disable"}


class QueueSchemaError(RuntimeError):
    """The queue's tables do not match the installed procrastinate; the message is one line."""


def queue_conninfo(database_url: str) -> str:
    """The libpq connection string for an SQLAlchemy PostgreSQL URL (the queue connects through psycopg)."""
    url = make_url(database_url)
    known = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}
    options: dict[str, object] = {"host": url.host, "port": url.port, "dbname": url.database,
                                  "user": url.username, "password": url.password}
    for key, value in url.query.items():
        value = value[-1] if isinstance(value, tuple) else value
        if key == "ssl":  # asyncpg's name for libpq's sslmode
            key, value = "sslmode", SSL_MODES.get(value.lower(), value)
        if key in known:
            options[key] = value
    return psycopg.conninfo.make_conninfo("", **{key: value for key, value in options.items() if value is not None})


def shipped_migrations() -> list[Path]:
    """procrastinate's migration scripts, in the order they apply."""
    return sorted(Path(SchemaManager.get_migrations_path()).glob("*.sql"))


async def prepare_queue_schema(database_url: str, *, migrate: bool = False) -> str:
    """Create the queue's tables when missing; apply missing migration scripts when `migrate`, else refuse them.

    Returns what was done, in a few words.
    """
    shipped = shipped_migrations()
    connection = await psycopg.AsyncConnection.connect(queue_conninfo(database_url))
    async with connection, connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        cursor = await connection.execute(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL,"
            " obj_description(to_regclass('procrastinate_jobs'), 'pg_class')"
        )
        exists, note = await cursor.fetchone() or (False, None)
        if not exists:
            await connection.execute(SchemaManager.get_schema())  # type: ignore[arg-type]
            await _record(connection, [script.name for script in shipped])
            return "created"
        if not (note or "").startswith(APPLIED_NOTE):
            # Tables made by hand (e.g. `procrastinate schema --apply`): taken as those of this version.
            await _record(connection, [script.name for script in shipped])
            return "up to date"
        applied = set(json.loads(note.removeprefix(APPLIED_NOTE)))
        missing = [script for script in shipped if script.name not in applied]
        if missing and not migrate:
            raise QueueSchemaError(
                "the build queue's tables lack procrastinate's migrations "
                f"{', '.join(script.name for script in missing)}: run `rapport db upgrade`"
            )
        for script in missing:
            await connection.execute(script.read_text(encoding="utf-8"))  # type: ignore[arg-type]
        await _record(connection, sorted(applied | {script.name for script in missing}))
    return f"applied {len(missing)} migrations" if missing else "up to date"


async def _record(connection: psycopg.AsyncConnection, applied: list[str]) -> None:
    note = APPLIED_NOTE + json.dumps(applied, separators=(",", ":"))
    await connection.execute(sql.SQL("COMMENT ON TABLE procrastinate_jobs IS {}").format(sql.Literal(note)))
