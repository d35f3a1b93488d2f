"""Build and publish client microsites: snapshot, render, build, publish, record."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import tempfile
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

import portal_theme
from api.changes.service import data_version
from api.cx.models import Touchpoint
from api.cx.surveys.site_links import site_survey_links
from api.settings import Settings
from api.sites import build_queue
from api.sites import service as site_service
from api.sites.models import BuildState, SiteBuild
from sitegen.content import build_epoch
from sitegen.lease import Lease, LeaseLost, held
from sitegen.pool import build_pool
from sitegen.publish import Publisher, publisher_for
from sitegen.render import SiteOptions
from sitegen.snapshot import fetch_snapshot, input_hash

logger = logging.getLogger("rapport.sitegen")
SHAPING_SUFFIXES = {".py", ".graphql", ".html", ".css", ".yml", ".svg", ".js"}


def generator_sources() -> list[Path]:
    """The files of the generator and the theme: a change to any of them changes what a site looks like."""
    roots = [Path(__file__).parent, Path(portal_theme.__file__).parent]
    return sorted(path for root in roots for path in root.rglob("*")
                  if path.suffix in SHAPING_SUFFIXES and "__pycache__" not in path.parts)


@functools.cache
def generator_fingerprint() -> str:
    """A digest of the generator and theme files, read once per process."""
    digest = hashlib.sha256()
    for path in generator_sources():
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildOutcome:
    """How one client's build ended."""

    slug: str
    state: BuildState
    site_path: str
    files: int = 0
    bytes: int = 0
    error: str | None = None
    taken_back: bool = False  # the attempt lost its lease: it recorded nothing, the build is another attempt's


async def publish_site(session: AsyncSession, build: SiteBuild, *, settings: Settings,
                       publisher: Publisher | None = None, force: bool = False,
                       turn: AbstractAsyncContextManager[Any] | None = None) -> BuildOutcome:
    """Carry out one claimed build: snapshot, render, build, publish; record how it ended.

    Rendering and building run in a build process and publishing in a worker thread, so a server carrying out
    builds keeps answering requests. Builds running side by side in one process may share a `turn`, a lock they
    take for each use of the database (on SQLite, waiting for the write lock would sleep in steps of 100 ms).
    The database work is committed at the steps' boundaries: the snapshot read (or the build found unchanged),
    and the outcome recorded.
    """
    return await _carry_out(session, build, settings=settings, publisher=publisher, force=force,
                            turn=turn or nullcontext())


@dataclass(frozen=True)
class _Snapshot:
    """What a build that has something to publish takes from the database."""

    options: SiteOptions
    data: dict[str, Any]
    digest: str
    key: str


async def _carry_out(session: AsyncSession, build: SiteBuild, *, settings: Settings, publisher: Publisher | None,
                     force: bool, turn: AbstractAsyncContextManager[Any]) -> BuildOutcome:
    """publish_site, with every use of the database inside `turn`, under the build's lease."""
    owner, build_id, client_id = build.lease_owner, build.id, build.client_id  # read before a rollback expires them
    assert owner is not None, "a build is carried out only once claimed"
    async with held(session.bind, build_id=build_id, owner=owner, length=settings.build_lease) as lease:
        try:
            return await _carry_out_leased(session, build, settings=settings, publisher=publisher, force=force,
                                           turn=turn, lease=lease)
        except LeaseLost as exc:
            async with turn:
                await session.rollback()
                entry = await site_service.client_site(session, client_id=client_id)
            logger.warning("site build %s for %s stopped: %s", build_id, entry.client.slug, exc)
            return BuildOutcome(slug=entry.client.slug, state=BuildState.FAILED, site_path=entry.site_path,
                                error=str(exc), taken_back=True)


async def _carry_out_leased(session: AsyncSession, build: SiteBuild, *, settings: Settings,
                            publisher: Publisher | None, force: bool, turn: AbstractAsyncContextManager[Any],
                            lease: Lease) -> BuildOutcome:
    async with turn:
        entry = await site_service.client_site(session, client_id=build.client_id)
        try:
            snapshot = await _take_snapshot(session, build, entry, settings=settings, force=force, lease=lease)
            if snapshot is not None:
                publisher = publisher or publisher_for(build.target, settings)
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the build and the old site stays
            return await _record_failure(session, build, entry, exc, lease=lease)
    if snapshot is None:
        return BuildOutcome(slug=entry.client.slug, state=BuildState.UNCHANGED, site_path=entry.site_path)
    slug, site = entry.client.slug, entry.site
    try:
        # A build process given up on (the worker was stopped) may still be writing here: failing to remove the
        # folder then must not replace the stop with an error, which the worker would survive.
        with tempfile.TemporaryDirectory(prefix=f"rapport-{slug}-", ignore_cleanup_errors=True) as work:
            site_dir = await build_pool(settings).build(snapshot.data, options=snapshot.options, work_dir=Path(work),
                                                        build_epoch=build_epoch(snapshot.data))
            await lease.renew()  # never publish a build that is another attempt's by now
            result = await asyncio.to_thread(publisher.publish, site_dir, entry.site_path)
        if site.published_key and site.published_key != site.site_key:
            # the key was rotated: the old address goes
            await asyncio.to_thread(publisher.remove, f"{slug}-{site.published_key}")
    except LeaseLost:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the build and the old site stays
        async with turn:
            return await _record_failure(session, build, entry, exc, lease=lease)
    async with turn:
        await _hold(session, lease)
        build_queue.finish_build(build, state=BuildState.PUBLISHED, input_hash=snapshot.digest,
                                  files_uploaded=result.uploaded, files_deleted=result.deleted,
                                  files_unchanged=result.unchanged, bytes_uploaded=result.bytes_uploaded)
        build_queue.mark_published(session, site, build, input_hash=snapshot.digest, build_key=snapshot.key)
        await session.commit()
    return BuildOutcome(slug=slug, state=BuildState.PUBLISHED, site_path=entry.site_path, files=result.uploaded,
                        bytes=result.bytes_uploaded)


async def _take_snapshot(session: AsyncSession, build: SiteBuild, entry: site_service.ClientSite, *,
                         settings: Settings, force: bool, lease: Lease) -> _Snapshot | None:
    """The client's data and options; None, with the build recorded UNCHANGED, when that is what is live.

    When the build key is what is live, nothing the site shows can have changed, and no snapshot is taken.
    """
    links = await site_survey_links(session, settings=settings, client_id=build.client_id)
    options = site_options(entry, links)
    key = build_key(entry, options, target=build.target,
                    version=await data_version(session, client_id=build.client_id))
    site = entry.site
    current = site.published_key == site.site_key
    if not force and is_live(entry, key):
        await _hold(session, lease)
        build_queue.finish_build(build, state=BuildState.UNCHANGED, input_hash=site.published_input_hash)
        await session.commit()
        return None
    data = await fetch_snapshot(session, settings=settings, client_id=build.client_id, slug=entry.client.slug)
    digest = input_hash(data, extra=f"{generator_fingerprint()}|{options}|{build.target}")
    if not force and current and site.published_input_hash == digest:
        await _hold(session, lease)
        build_queue.finish_build(build, state=BuildState.UNCHANGED, input_hash=digest)
        site.published_build_key = key
        await session.commit()
        return None
    # Nothing after this reads the database: end the transaction (on SQLite, the write lock) before the file work.
    await session.commit()
    return _Snapshot(options=options, data=data, digest=digest, key=key)


def is_live(entry: site_service.ClientSite, key: str) -> bool:
    """Whether the site at its current address was published from `key`: then a build has nothing to do."""
    site = entry.site
    return site.published_key == site.site_key and site.published_build_key == key


def build_key(entry: site_service.ClientSite, options: SiteOptions, *, target: str, version: int) -> str:
    """What a site's content depends on: the client's data version, its settings and survey links, the generator
    and theme, where it goes, and the date in the site's time zone (overdue milestones, the CX window)."""
    today = datetime.now(ZoneInfo(entry.site.time_zone)).date().isoformat()
    parts = (str(version), entry.site.site_key, repr(options), generator_fingerprint(), target, today)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


async def _hold(session: AsyncSession, lease: Lease) -> None:
    """Lock the build's row if this attempt still holds it; LeaseLost (and nothing written) when it does not."""
    lease.check()
    if await build_queue.lock_running_build(session, build_id=lease.build_id, owner=lease.owner) is None:
        await session.rollback()
        lease.lost = True
        lease.check()


async def _record_failure(session: AsyncSession, build: SiteBuild, entry: site_service.ClientSite,
                          exc: Exception, *, lease: Lease) -> BuildOutcome:
    slug, site_path = entry.client.slug, entry.site_path  # read before the rollback expires them
    logger.error("site build for %s failed", slug, exc_info=exc)
    await session.rollback()
    await _hold(session, lease)
    build_queue.finish_build(build, state=BuildState.FAILED, error=f"{type(exc).__name__}: {exc}")
    await session.commit()
    return BuildOutcome(slug=slug, state=BuildState.FAILED, site_path=site_path, error=str(exc))


def site_options(entry: site_service.ClientSite, links: Mapping[Touchpoint, str]) -> SiteOptions:
    """The client's branding and survey links, as its site shows them."""
    return SiteOptions(brand_name=entry.site.brand_name or entry.client.name, accent_color=entry.site.accent_color,
                       logo_url=entry.site.logo_url,
                       feedback_links={t.value: url for t, url in sorted(links.items(), key=lambda item: item[0].value)})
