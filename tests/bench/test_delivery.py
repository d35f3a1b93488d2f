"""bench/delivery.py runs to the end and every message arrives, in both of its ways of sending."""

from __future__ import annotations

import pytest

from bench.delivery import run


async def test_a_short_run_delivers_every_message_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    await run(30)
    printed = capsys.readouterr().out
    assert "30 notices to aiosmtpd" in printed
    assert "1 connection)" in printed and "30 connections)" in printed
