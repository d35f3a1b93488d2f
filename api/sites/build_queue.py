"""The SiteBuild state machine: queueing builds, claiming and leasing them, and recording how they ended.

QUEUED -> RUNNING (claimed, leased to one attempt) -> PUBLISHED, UNCHANGED or FAILED; a failed attempt is queued
again with a growing delay while attempts remain, and a build whose lease ran out is taken back. These functions
serve the workers and the flows, not callers of the API: they neither check a principal nor scope by one.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.changes.events import record_event
from api.kit.columns import utcnow
from api.sites.events import SitePublished
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild
from api.sites.schedule import next_due

MAX_ATTEMPTS = 3
FIRST_RETRY_DELAY = timedelta(seconds=30)
LEASE = timedelta(seconds=60)  # the default of RAPPORT_BUILD_LEASE_SECONDS
MAX_QUIET_PERIODS = 10  # how long a stream of changes may hold back its rebuild, in quiet periods


async def start_build(session: AsyncSession, *, client_id: int, trigger: BuildTrigger, target: str, reason: str = "",
                      lease: timedelta = LEASE) -> SiteBuild:
    """Record a build as running now, leased to its caller for `lease`."""
    now = utcnow()
    build = SiteBuild(
        client_id=client_id,
        trigger=trigger,
        state=BuildState.RUNNING,
        target=target,
        reason=reason,
        attempts=1,
        requested_at=now,
        started_at=now,
        lease_owner=new_lease_owner(),
        lease_expires_at=now + lease,
    )
    session.add(build)
    await session.flush()
    return build


def finish_build(
    build: SiteBuild,
    *,
    state: BuildState,
    input_hash: str | None = None,
    files_uploaded: int = 0,
    files_deleted: int = 0,
    files_unchanged: int = 0,
    bytes_uploaded: int = 0,
    error: str | None = None,
) -> None:
    """Close a build record with its outcome."""
    build.state = state
    build.finished_at = utcnow()
    build.lease_expires_at = None
    build.input_hash = input_hash
    build.files_uploaded = files_uploaded
    build.files_deleted = files_deleted
    build.files_unchanged = files_unchanged
    build.bytes_uploaded = bytes_uploaded
    build.error = error


def mark_published(session: AsyncSession, site: Site, build: SiteBuild, *, input_hash: str,
                   build_key: str | None = None) -> None:
    """Remember what is live, so an identical next build publishes nothing (and, for the same build key, reads
    nothing), and record that the site went live with new content."""
    site.published_input_hash = input_hash
    site.published_build_key = build_key
    site.published_key = site.site_key
    site.published_at = utcnow()
    record_event(session, SitePublished(client_id=site.client_id, actor_user_id=None, site_id=site.id,
                                        build_id=build.id))


async def queue_build(session: AsyncSession, *, client_id: int, trigger: BuildTrigger, reason: str = "",
                      requested_by_id: int | None = None) -> SiteBuild:
    """The client's queued build, created if none is waiting (so concurrent requests share one build)."""
    queued = await session.scalar(
        select(SiteBuild).where(SiteBuild.client_id == client_id, SiteBuild.state == BuildState.QUEUED)
        .order_by(SiteBuild.id).limit(1).execution_options(tenant_backstop=False)
    )
    if queued is None:
        queued = SiteBuild(client_id=client_id, trigger=trigger, state=BuildState.QUEUED, reason=reason,
                           requested_by_id=requested_by_id, requested_at=utcnow())
        session.add(queued)
    else:
        queued.retry_at = None  # a new request runs a build waiting to retry now
    await session.flush()
    return queued


async def queue_scheduled_builds(session: AsyncSession, *, now: datetime) -> list[SiteBuild]:
    """Queue a build for every enabled site whose scheduled time has come, and set its next time."""
    sites = await session.scalars(
        select(Site).where(Site.enabled.is_(True), or_(Site.next_build_at.is_(None), Site.next_build_at <= now))
        .order_by(Site.id)
    )
    queued = []
    for site in list(sites):
        if site.next_build_at is not None:
            queued.append(await queue_build(session, client_id=site.client_id, trigger=BuildTrigger.SCHEDULE,
                                            reason="scheduled rebuild"))
        site.next_build_at = next_due(site.schedule, site.time_zone, after=now)
    await session.flush()
    return queued


async def claim_next_build(session: AsyncSession, *, lease: timedelta = LEASE) -> SiteBuild | None:
    """Take the oldest queued build whose client has no build running; None when there is nothing to do.

    Builds whose lease ran out are taken back first, so a killed build holds its client only until then.
    """
    now = utcnow()
    await reclaim_abandoned_builds(session, now=now)
    running = select(SiteBuild.client_id).where(SiteBuild.state == BuildState.RUNNING)
    candidates = await session.scalars(
        select(SiteBuild.id).where(SiteBuild.state == BuildState.QUEUED, SiteBuild.client_id.not_in(running),
                                   or_(SiteBuild.retry_at.is_(None), SiteBuild.retry_at <= now))
        .order_by(SiteBuild.requested_at, SiteBuild.id).limit(5)
    )
    for build_id in list(candidates):
        claimed = await claim_build(session, build_id=build_id, lease=lease)
        if claimed is not None:
            return claimed
    return None


async def claim_build(session: AsyncSession, *, build_id: int, lease: timedelta = LEASE) -> SiteBuild | None:
    """Take one queued build that is due, while no other build of its client runs (QUEUED to RUNNING in one
    statement, leased for `lease`); None when it cannot be taken now."""
    now = utcnow()
    other = aliased(SiteBuild)  # not correlated with the row being updated
    running = select(other.client_id).where(other.state == BuildState.RUNNING)
    claimed = await session.execute(
        update(SiteBuild).where(SiteBuild.id == build_id, SiteBuild.state == BuildState.QUEUED,
                                or_(SiteBuild.retry_at.is_(None), SiteBuild.retry_at <= now),
                                SiteBuild.client_id.not_in(running))
        .values(state=BuildState.RUNNING, started_at=now, attempts=SiteBuild.attempts + 1,
                lease_owner=new_lease_owner(), lease_expires_at=now + lease)
    )
    if claimed.rowcount != 1:
        return None
    return await session.get(SiteBuild, build_id, populate_existing=True)


async def queued_builds(session: AsyncSession) -> list[SiteBuild]:
    """Every build waiting in the queue, oldest request first."""
    rows = await session.scalars(
        select(SiteBuild).where(SiteBuild.state == BuildState.QUEUED).order_by(SiteBuild.requested_at, SiteBuild.id)
    )
    return list(rows)


def retry_later(build: SiteBuild, *, now: datetime) -> bool:
    """Put a failed build back in the queue with a growing delay; False once its attempts are used up."""
    if build.attempts >= MAX_ATTEMPTS:
        return False
    build.state = BuildState.QUEUED
    build.retry_at = now + FIRST_RETRY_DELAY * 4 ** (build.attempts - 1)
    build.started_at = build.finished_at = build.lease_owner = build.lease_expires_at = None
    return True


async def lock_running_build(session: AsyncSession, *, build_id: int, owner: str | None = None) -> SiteBuild | None:
    """The build if it is running (under `owner`'s lease, when given), its row locked until the transaction ends."""
    statement = select(SiteBuild).where(SiteBuild.id == build_id, SiteBuild.state == BuildState.RUNNING)
    if owner is not None:
        statement = statement.where(SiteBuild.lease_owner == owner)
    return await session.scalar(statement.with_for_update().execution_options(populate_existing=True))


def new_lease_owner() -> str:
    """A name for one attempt at a build: only the attempt holding it may renew the lease or record the outcome."""
    return secrets.token_hex(16)


async def renew_lease(session: AsyncSession, *, build_id: int, owner: str, lease: timedelta) -> bool:
    """Extend `owner`'s lease on a running build by `lease` from now; False when the build is no longer theirs."""
    renewed = await session.execute(
        update(SiteBuild).where(SiteBuild.id == build_id, SiteBuild.state == BuildState.RUNNING,
                                SiteBuild.lease_owner == owner)
        .values(lease_expires_at=utcnow() + lease)
    )
    return renewed.rowcount == 1


async def reclaim_abandoned_builds(session: AsyncSession, *, now: datetime) -> int:
    """Take back the running builds whose lease ran out (their process was killed or hangs); returns how many.

    Each is queued again, unless its client has a build queued already, which then takes over; one whose
    attempts are used up is marked failed.
    """
    abandoned = list(await session.scalars(
        select(SiteBuild).where(SiteBuild.state == BuildState.RUNNING,
                                or_(SiteBuild.lease_expires_at.is_(None), SiteBuild.lease_expires_at < now))
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)
    ))
    if not abandoned:
        return 0
    waiting = set(await session.scalars(
        select(SiteBuild.client_id).where(SiteBuild.state == BuildState.QUEUED,
                                          SiteBuild.client_id.in_({build.client_id for build in abandoned}))
    ))
    for build in abandoned:
        if build.client_id in waiting:
            finish_build(build, state=BuildState.FAILED,
                         error="its worker stopped answering; the build queued after it takes its place")
        else:
            requeue_interrupted(build)
            waiting.add(build.client_id)
    await session.flush()
    return len(abandoned)


def requeue_interrupted(build: SiteBuild) -> None:
    """Queue again a running build whose attempt was cut short; FAILED once its attempts are used up."""
    if build.attempts >= MAX_ATTEMPTS:
        finish_build(build, state=BuildState.FAILED,
                     error=f"the attempt was cut short each of {build.attempts} times (its worker stopped)")
        return
    build.state = BuildState.QUEUED
    build.started_at = build.lease_owner = build.lease_expires_at = None


async def queue_changed_sites(session: AsyncSession, *, client_ids: list[int], quiet: timedelta,
                              now: datetime | None = None) -> list[SiteBuild]:
    """Queue a rebuild of each enabled site among `client_ids`, due once their data has rested for `quiet`.

    A rebuild already waiting for its quiet period waits on from the latest change, but never longer than
    MAX_QUIET_PERIODS quiet periods from its request, so a client changing all day still sees its site move.
    A build already due stays due.
    """
    now = now or utcnow()
    enabled = list(await session.scalars(
        select(Site.client_id).where(Site.client_id.in_(client_ids), Site.enabled.is_(True)).order_by(Site.client_id)
        .execution_options(tenant_backstop=False)
    ))
    queued = []
    for client_id in enabled:
        build = await _queued(session, client_id=client_id)
        if build is None:
            build = SiteBuild(client_id=client_id, trigger=BuildTrigger.EVENT, state=BuildState.QUEUED,
                              reason="data changed", requested_at=now, retry_at=now + quiet if quiet else None)
            session.add(build)
        elif build.retry_at is not None and build.retry_at > now:
            build.retry_at = min(max(build.retry_at, now + quiet), build.requested_at + quiet * MAX_QUIET_PERIODS)
        queued.append(build)
    await session.flush()
    return queued


async def _queued(session: AsyncSession, *, client_id: int) -> SiteBuild | None:
    return await session.scalar(
        select(SiteBuild).where(SiteBuild.client_id == client_id, SiteBuild.state == BuildState.QUEUED)
        .order_by(SiteBuild.id).limit(1).execution_options(tenant_backstop=False)
    )


async def busy_clients(session: AsyncSession, *, client_ids: list[int]) -> set[int]:
    """The clients among `client_ids` with a build queued or running."""
    return set(await session.scalars(
        select(SiteBuild.client_id).where(SiteBuild.client_id.in_(client_ids),
                                          SiteBuild.state.in_((BuildState.QUEUED, BuildState.RUNNING)))
    ))


def record_unchanged(session: AsyncSession, *, site: Site, target: str, reason: str) -> SiteBuild:
    """Record a build that found what is live to be what it would publish: done as soon as asked."""
    now = utcnow()
    build = SiteBuild(client_id=site.client_id, trigger=BuildTrigger.MANUAL, state=BuildState.UNCHANGED,
                      reason=reason, target=target, attempts=1, requested_at=now, started_at=now, finished_at=now,
                      input_hash=site.published_input_hash)
    session.add(build)
    return build
