"""The lease on a running build: renewed while the build runs, and checked before anything is published or recorded.

Every way of running builds (the CLI batch, the embedded worker, the queue's jobs) carries them out under a
lease. A process that is killed or hangs stops renewing it; once it runs out, the next claim takes the build back
(api/sites/service.py: reclaim_abandoned_builds). An attempt that lost its lease publishes and records nothing,
as the build is someone else's by then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.sites import build_queue

logger = logging.getLogger("rapport.sitegen")
RELEASE_SECONDS = 5.0


class LeaseLost(RuntimeError):
    """This attempt no longer holds its build (the lease ran out and another attempt took the build)."""


class Lease:
    """One attempt's hold on a running build, renewed every third of its length by a task of its own."""

    def __init__(self, engine: AsyncEngine, *, build_id: int, owner: str, length: timedelta) -> None:
        self.engine, self.build_id, self.owner, self.length = engine, build_id, owner, length
        self.lost = False

    def check(self) -> None:
        """Raise LeaseLost when the build is no longer this attempt's."""
        if self.lost:
            raise LeaseLost(f"site build {self.build_id} was taken back after its lease ran out")

    async def renew(self) -> None:
        """Extend the lease now; LeaseLost when the build is no longer this attempt's."""
        self.check()
        async with AsyncSession(self.engine) as session:
            held = await build_queue.renew_lease(session, build_id=self.build_id, owner=self.owner,
                                                  lease=self.length)
            await session.commit()
        if not held:
            self.lost = True
            self.check()

    async def renew_forever(self) -> None:
        while not self.lost:
            await asyncio.sleep(self.length.total_seconds() / 3)
            try:
                await self.renew()
            except LeaseLost:
                logger.warning("site build %s was taken back after its lease ran out", self.build_id)
            except Exception:  # noqa: BLE001 - a failed renewal is tried again; the lease has two more thirds
                logger.warning("could not renew the lease on site build %s; trying again", self.build_id,
                               exc_info=True)

    async def release(self) -> None:
        """Queue the build again if this attempt still holds it; a failure leaves it to the lease running out."""
        try:
            async with asyncio.timeout(RELEASE_SECONDS), AsyncSession(self.engine) as session:
                build = await build_queue.lock_running_build(session, build_id=self.build_id, owner=self.owner)
                if build is not None:
                    build_queue.requeue_interrupted(build)
                await session.commit()
        except Exception:  # noqa: BLE001 - the lease runs out all the same
            logger.warning("could not hand site build %s back; it is taken back when its lease runs out",
                           self.build_id, exc_info=True)


@contextlib.asynccontextmanager
async def held(engine: AsyncEngine, *, build_id: int, owner: str, length: timedelta) -> AsyncIterator[Lease]:
    """Keep renewing the lease while the block runs."""
    lease = Lease(engine, build_id=build_id, owner=owner, length=length)
    renewing = asyncio.create_task(lease.renew_forever(), name=f"lease-site-build-{build_id}")
    try:
        yield lease
    except asyncio.CancelledError:
        # Stopped (SIGTERM, or a job aborted): hand the build back now rather than when the lease runs out.
        await lease.release()
        raise
    finally:
        renewing.cancel()
        await asyncio.gather(renewing, return_exceptions=True)
