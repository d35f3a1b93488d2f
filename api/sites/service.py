"""Client sites and their build records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.kit.columns import utcnow
from api.kit.errors import NotFound
from api.organizations.models import Organization, OrganizationKind
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild


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


async def start_build(session: AsyncSession, *, client_id: int, trigger: BuildTrigger, target: str, reason: str = "") -> SiteBuild:
    """Record a build as running now."""
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
    bytes_uploaded: int = 0,
    error: str | None = None,
) -> None:
    """Close a build record with its outcome."""
    build.state = state
    build.finished_at = utcnow()
    build.input_hash = input_hash
    build.files_uploaded = files_uploaded
    build.bytes_uploaded = bytes_uploaded
    build.error = error


def mark_published(site: Site, *, input_hash: str) -> None:
    """Remember what is live, so an identical next build publishes nothing."""
    site.published_input_hash = input_hash
    site.published_key = site.site_key
    site.published_at = utcnow()
