"""A short busy morning (bench/load.py) against `rapport serve` on each database: no request may fail."""

from __future__ import annotations

import pytest

from bench.load import run_load
from tests.fixtures.database import BACKENDS, postgres_server_url


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_readers_and_writers_get_no_errors(backend: str) -> None:
    postgres = postgres_server_url() if backend == "postgresql" else None
    result = run_load(postgres=postgres, seconds=5, readers=16, writers=2)
    assert result.errors == []
    assert len(result.reads.latencies_ms) > 50 and len(result.writes.latencies_ms) > 5
