"""Per-caller rate limiting in points per minute, behind a small interface so a shared store can back it later."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

MAX_TRACKED_CALLERS = 10_000


@dataclass(frozen=True)
class Allowance:
    """The answer to one request for points: granted or not, and where the caller's budget stands."""

    granted: bool
    limit: int
    remaining: int
    retry_after: float | None
    full_in: float


class RateLimiter(Protocol):
    """Spends points from a per-caller budget of `limit` points that refills continuously over a minute."""

    async def spend(self, key: str, points: int) -> Allowance:
        """Take `points` from `key`'s budget if it holds them; otherwise take nothing and say when to retry."""
        ...


class LocalRateLimiter:
    """A token bucket per caller, held in this process (each API process counts its own requests)."""

    def __init__(self, *, points_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = points_per_minute
        self._refill_per_second = points_per_minute / 60
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    async def spend(self, key: str, points: int) -> Allowance:
        """Take `points` from `key`'s budget if it holds them; otherwise take nothing and say when to retry."""
        with self._lock:
            now = self._clock()
            level = self._level(key, now)
            granted = points <= level
            if granted:
                level -= points
            self._buckets[key] = (level, now)
            if len(self._buckets) > MAX_TRACKED_CALLERS:
                self._forget_full_buckets(now)
        return Allowance(
            granted=granted,
            limit=self.limit,
            remaining=int(level),
            retry_after=None if granted or points > self.limit else (points - level) / self._refill_per_second,
            full_in=(self.limit - level) / self._refill_per_second,
        )

    def _level(self, key: str, now: float) -> float:
        level, at = self._buckets.get(key, (self.limit, now))
        return min(self.limit, level + (now - at) * self._refill_per_second)

    def _forget_full_buckets(self, now: float) -> None:
        # A full bucket is the same as no bucket: dropping it bounds memory to the recently active callers.
        for key in [key for key in self._buckets if self._level(key, now) >= self.limit]:
            del self._buckets[key]
