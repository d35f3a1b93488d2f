"""A site snapshot runs through the schema configured for the build's settings, limits included."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.schema import get_schema
from sitegen.snapshot import SnapshotError, fetch_snapshot
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client, make_project


def test_one_schema_per_settings_object(tmp_path: Path) -> None:
    first, second = settings_for("sqlite://", tmp_path), settings_for("sqlite://", tmp_path)
    assert get_schema(first) is get_schema(first)
    assert get_schema(first) is not get_schema(second)


async def test_a_snapshot_obeys_the_limits_its_settings_set(session: AsyncSession, tmp_path: Path) -> None:
    client = await make_client(session, slug="harbor")
    await make_project(session, client=client, code="HB-1")
    roomy = settings_for("sqlite://", tmp_path)
    data = await fetch_snapshot(session, settings=roomy, client_id=client.id, slug="harbor")
    assert [edge["node"]["code"] for edge in data["client"]["projects"]["edges"]] == ["HB-1"]
    shallow = settings_for("sqlite://", tmp_path, graphql_max_depth=3)
    with pytest.raises(SnapshotError, match="depth"):
        await fetch_snapshot(session, settings=shallow, client_id=client.id, slug="harbor")
