"""schema.graphql at the repository root is the schema the code serves."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.graphql import schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_schema_file_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema.graphql is stale: run `rapport schema export`"
    )
