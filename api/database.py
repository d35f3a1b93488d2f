"""Schema migrations (Alembic), run by `rapport db upgrade`, `rapport demo` and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Tables that live beside ours but are not Rapport's models: the scale-out build queue keeps its own.
FOREIGN_TABLE_PREFIXES = ("procrastinate_",)


def is_rapport_object(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's `include_name` hook: compare and migrate only Rapport's tables, never the build queue's."""
    return not (type_ == "table" and name is not None and name.startswith(FOREIGN_TABLE_PREFIXES))


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for `database_url`, with no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Migrate the database at `database_url` to `revision` (blocking; call off the event loop)."""
    command.upgrade(alembic_config(database_url), revision)
