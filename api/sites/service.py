"""Client sites and their build records."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.feedback import site_links as site_link_service
from api.kit.columns import utcnow
from api.kit.errors import NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.organizations.models import Organization, OrganizationKind
from api.sites.branding import check_branding
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild
from api.sites.schedule import check_schedule, next_due

FINISHED = frozenset({BuildState.PUBLISHED, BuildState.UNCHANGED, BuildState.FAILED})
MAX_ATTEMPTS = 3
FIRST_RETRY_DELAY = timedelta(seconds=30)
LEASE = timedelta(seconds=60)  # the default of RAPPORT_BUILD_LEASE_SECONDS


@dataclass(frozen=True)
class ClientSite:
    """A client with its microsite settings."""

    client: Organization
    site: Site

    @property
    def site_path(self) -> str:
        """Where the site is published under the publish root: `<slug>-<secret site key>`."""
        return f"{self.client.slug}-{self.site.site_key}"


async def client_sites(session: AsyncSession, *, slugs: list[str] | None = None) -> list[ClientSite]:
    """Enabled client sites by slug (all when `slugs` is None); NotFound names an unknown slug."""
    statement = (
        select(Organization, Site)
        .join(Site, Site.client_id == Organization.id)
        .where(Organization.kind == OrganizationKind.CLIENT, Site.enabled.is_(True))
        .order_by(Organization.slug)
    )
    if slugs is not None:
        statement = statement.where(Organization.slug.in_(slugs))
    found = [ClientSite(client=client, site=site) for client, site in await session.execute(statement)]
    missing = sorted(set(slugs or []) - {entry.client.slug for entry in found})
    if missing:
        raise NotFound(f"no client with an enabled site for slug {missing[0]!r}", field="client")
    return found


async def client_site(session: AsyncSession, *, client_id: int) -> ClientSite:
    """One client with its site settings, or NotFound."""
    row = (await session.execute(
        select(Organization, Site).join(Site, Site.client_id == Organization.id).where(Organization.id == client_id)
    )).first()
    if row is None:
        raise NotFound("no such client site", field="client")
    return ClientSite(client=row[0], site=row[1])


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


def mark_published(site: Site, *, input_hash: str) -> None:
    """Remember what is live, so an identical next build publishes nothing."""
    site.published_input_hash = input_hash
    site.published_key = site.site_key
    site.published_at = utcnow()


async def request_build(session: AsyncSession, *, principal: Principal, client_id: int, reason: str = "",
                        trigger: BuildTrigger = BuildTrigger.MANUAL) -> SiteBuild:
    """Queue a build of a client's site; a request while one is queued joins that one."""
    require_pmo_staff(principal)
    validator = Validator()
    validator.check(len(reason) <= 500, "reason", "reason must be at most 500 characters")
    validator.raise_if_any()
    site = await session.scalar(scoped(select(Site), Site, principal).where(Site.client_id == client_id))
    if site is None:
        raise NotFound("no such client", field="clientId")
    queued = await queue_build(session, client_id=client_id, trigger=trigger, reason=reason.strip(),
                               requested_by_id=principal.user_id)
    await audit_service.record(session, principal=principal, action="site.build_requested", object_type="SiteBuild",
                               object_id=queued.id, organization_id=client_id, details={"reason": reason.strip()})
    return queued


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


async def client_data_changed(session: AsyncSession, *, client_id: int, reason: str) -> SiteBuild | None:
    """Queue an event rebuild of the client's site, when it has an enabled one, after a change its people see."""
    enabled = await session.scalar(
        select(Site.id).where(Site.client_id == client_id, Site.enabled.is_(True))
        .execution_options(tenant_backstop=False)
    )
    if enabled is None:
        return None
    return await queue_build(session, client_id=client_id, trigger=BuildTrigger.EVENT, reason=reason)


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
    """Take one queued build that is due (QUEUED to RUNNING in one statement, leased for `lease`); None when it is not."""
    now = utcnow()
    claimed = await session.execute(
        update(SiteBuild).where(SiteBuild.id == build_id, SiteBuild.state == BuildState.QUEUED,
                                or_(SiteBuild.retry_at.is_(None), SiteBuild.retry_at <= now))
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


async def list_builds(session: AsyncSession, *, principal: Principal, page: PageRequest,
                      client_id: int | None = None) -> Page[SiteBuild]:
    """Site builds the principal may see, oldest first."""
    statement = scoped(select(SiteBuild), SiteBuild, principal)
    if client_id is not None:
        statement = statement.where(SiteBuild.client_id == client_id)
    return await paginate(session, statement, key=[SiteBuild.id], page=page)


async def builds_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[SiteBuild | None]:
    """Builds for `ids` in order; None where missing or not visible."""
    rows = await session.scalars(scoped(select(SiteBuild), SiteBuild, principal).where(SiteBuild.id.in_(ids)))
    found = {build.id: build for build in rows}
    return [found.get(build_id) for build_id in ids]


async def sites_by_client_ids(session: AsyncSession, *, principal: Principal,
                              client_ids: Sequence[int]) -> list[Site | None]:
    """Each client's site settings, in order; None where not visible."""
    rows = await session.scalars(scoped(select(Site), Site, principal).where(Site.client_id.in_(client_ids)))
    found = {site.client_id: site for site in rows}
    return [found.get(client_id) for client_id in client_ids]


async def watch_build(session: AsyncSession, *, principal: Principal, build_id: int,
                      poll_seconds: float = 0.5) -> AsyncIterator[SiteBuild]:
    """The build now and at every change of its progress, until it has finished."""
    last: tuple[object, ...] | None = None
    while True:
        (build,) = await builds_by_ids(session, principal=principal, ids=[build_id])
        if build is None:
            await session.rollback()
            raise NotFound("no such site build", field="buildId")
        progress = (build.state, build.started_at, build.finished_at, build.files_uploaded, build.error)
        finished = build.state in FINISHED
        if progress != last:
            last = progress
            yield build
        # End the read before waiting: it must not hold locks, and the next poll must see new commits.
        await session.rollback()
        if finished:
            return
        await asyncio.sleep(poll_seconds)


@dataclass(frozen=True)
class SiteStatus:
    """Where one client's site stands: what is live, what is queued, when it is next due."""

    client: Organization
    site: Site
    last_build: SiteBuild | None
    queued: int


async def site_statuses(session: AsyncSession) -> list[SiteStatus]:
    """Every client site with its latest build and queue depth, by client slug."""
    latest = (
        select(SiteBuild.client_id, func.max(SiteBuild.id).label("build_id")).group_by(SiteBuild.client_id).subquery()
    )
    queued = (
        select(SiteBuild.client_id, func.count().label("waiting"))
        .where(SiteBuild.state == BuildState.QUEUED).group_by(SiteBuild.client_id).subquery()
    )
    rows = await session.execute(
        select(Organization, Site, SiteBuild, queued.c.waiting)
        .join(Site, Site.client_id == Organization.id)
        .outerjoin(latest, latest.c.client_id == Organization.id)
        .outerjoin(SiteBuild, SiteBuild.id == latest.c.build_id)
        .outerjoin(queued, queued.c.client_id == Organization.id)
        .order_by(Organization.slug)
    )
    return [SiteStatus(client=c, site=s, last_build=b, queued=w or 0) for c, s, b, w in rows]


SHOWN_SETTINGS = frozenset({"enabled", "brand_name", "accent_color", "logo_url"})  # what a build shows, or whether


@dataclass(frozen=True)
class SiteChanges:
    """Site settings to change; None leaves a setting as it is."""

    enabled: bool | None = None
    schedule: str | None = None
    time_zone: str | None = None
    brand_name: str | None = None
    accent_color: str | None = None
    logo_url: str | None = None


async def _site_for_staff(session: AsyncSession, *, principal: Principal, client_id: int) -> Site:
    require_pmo_staff(principal)
    site = await session.scalar(scoped(select(Site), Site, principal).where(Site.client_id == client_id))
    if site is None:
        raise NotFound("no such client", field="clientId")
    return site


async def update_site(session: AsyncSession, *, principal: Principal, client_id: int, changes: SiteChanges) -> Site:
    """Change a client's site settings (PMO staff); a new schedule is planned afresh."""
    site = await _site_for_staff(session, principal=principal, client_id=client_id)
    validator = Validator()
    check_schedule(validator, schedule=changes.schedule, time_zone=changes.time_zone)
    check_branding(validator, accent_color=changes.accent_color, logo_url=changes.logo_url)
    if changes.brand_name is not None:
        validator.check(len(changes.brand_name.strip()) <= 200, "brandName", "brand name must be at most 200 characters")
    validator.raise_if_any()
    changed = {name: value for name, value in vars(changes).items() if value is not None}
    for name, value in changed.items():
        setattr(site, name, value.strip() if isinstance(value, str) else value)
    if "schedule" in changed or "time_zone" in changed:
        site.next_build_at = None
    await session.flush()
    await audit_service.record(session, principal=principal, action="site.update", object_type="Site",
                               object_id=site.id, organization_id=client_id, details=changed)
    if changed.keys() & SHOWN_SETTINGS:
        await client_data_changed(session, client_id=client_id, reason="site settings changed")
    return site


async def rotate_site_key(session: AsyncSession, *, principal: Principal, client_id: int) -> SiteBuild:
    """Give a client's site a new secret address (PMO staff); the next build publishes there and removes the old copy."""
    site = await _site_for_staff(session, principal=principal, client_id=client_id)
    return await rotate_key(session, site=site, principal=principal)


async def rotate_key(session: AsyncSession, *, site: Site, principal: Principal | None) -> SiteBuild:
    """Move a site to a new secret address, close its survey links, and queue its build; `principal` None is the
    server's operator. The build issues the site's new survey links."""
    site.site_key = secrets.token_hex(16)
    closed = await site_link_service.revoke_site_survey_links(session, client_id=site.client_id)
    build = await queue_build(session, client_id=site.client_id, trigger=BuildTrigger.MANUAL,
                              reason="site key rotated", requested_by_id=principal.user_id if principal else None)
    await audit_service.record(session, principal=principal, action="site.key_rotated", object_type="Site",
                               object_id=site.id, organization_id=site.client_id,
                               details={"survey_links_closed": closed})
    return build
