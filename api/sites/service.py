"""Client sites and their build records, as the API's callers see and change them (the build state machine
itself is api.sites.build_queue)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.audit.changes import apply_changes, record_change
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.cx.surveys import site_links as site_link_service
from api.kit.batches import in_order
from api.kit.errors import NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.organizations.models import Organization, OrganizationKind
from api.sites import build_queue
from api.sites.branding import check_branding
from api.sites.events import SiteKeyRotated, SiteSettingsChanged
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild
from api.sites.schedule import check_schedule

FINISHED = frozenset({BuildState.PUBLISHED, BuildState.UNCHANGED, BuildState.FAILED})
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
    queued = await build_queue.queue_build(session, client_id=client_id, trigger=trigger, reason=reason.strip(),
                               requested_by_id=principal.user_id)
    await audit_service.record(session, principal=principal, action="site.build_requested", object_type="SiteBuild",
                               object_id=queued.id, organization_id=client_id, details={"reason": reason.strip()})
    return queued


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
    return in_order(rows, ids)


async def sites_by_client_ids(session: AsyncSession, *, principal: Principal,
                              client_ids: Sequence[int]) -> list[Site | None]:
    """Each client's site settings, in order; None where not visible."""
    rows = await session.scalars(scoped(select(Site), Site, principal).where(Site.client_id.in_(client_ids)))
    return in_order(rows, client_ids, by="client_id")


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
    changed = apply_changes(site, {name: value.strip() if isinstance(value, str) else value
                                   for name, value in vars(changes).items() if value is not None})
    if "schedule" in changed or "time_zone" in changed:
        site.next_build_at = None
    await session.flush()
    await record_change(session, principal=principal, action="site.update", row=site, client_id=client_id,
                        changed=changed)
    record_event(session, SiteSettingsChanged(client_id=client_id, actor_user_id=principal.user_id, site_id=site.id,
                                              fields=sorted(changed)))
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
    build = await build_queue.queue_build(session, client_id=site.client_id, trigger=BuildTrigger.MANUAL,
                              reason="site key rotated", requested_by_id=principal.user_id if principal else None)
    await audit_service.record(session, principal=principal, action="site.key_rotated", object_type="Site",
                               object_id=site.id, organization_id=site.client_id,
                               details={"survey_links_closed": closed})
    record_event(session, SiteKeyRotated(client_id=site.client_id, site_id=site.id,
                                         actor_user_id=principal.user_id if principal else None))
    return build
