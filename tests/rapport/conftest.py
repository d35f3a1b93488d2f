"""A migrated database and a settings environment for driving the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.database import upgrade_database
from api.settings import get_settings
from tests.fixtures.auth import TEST_SECRET


@pytest.fixture
def cli_env(fresh_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """RAPPORT_* variables pointing the CLI at a migrated database of its own."""
    upgrade_database(fresh_database_url)
    env = {
        "RAPPORT_DATABASE_URL": fresh_database_url,
        "RAPPORT_DATA_DIR": str(tmp_path / "data"),
        "RAPPORT_PUBLISH_TARGET": (tmp_path / "sites").as_uri(),
        "RAPPORT_JWT_SECRET": TEST_SECRET,
        "RAPPORT_BUILD_QUIET_SECONDS": "0",  # the rebuilds that changes queue run at once, as the tests expect
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()
