"""What the CLI commands do, as plain functions the tests call directly."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress
from rich.table import Table

from api.activity.live import live_activity
from api.app import create_app
from api.auth import service as auth_service
from api.database import upgrade_database
from api.delivery import service as delivery_service
from api.delivery.sender import Senders, record_digests, send_due_deliveries
from api.demo.notices import ask_for_an_update, publish_newest_draft
from api.demo.seed import DEMO_ADMIN_EMAIL, SeedResult
from api.demo.seed import seed_demo as load_demo_data
from api.demo.webhooks import point_demo_endpoint
from api.flows.runner import run_due_reactions
from api.schema import create_schema
from api.settings import Settings
from api.sites import service as site_service
from api.sites.models import SiteBuild
from api.update_requests.service import update_link
from rapport.runtime import database, prepare_data_dir, unit_of_work
from sitegen.foreground import build_sites as run_builds
from sitegen.pipeline import BuildOutcome
from sitegen.pool import close_build_pool
from sitegen.queues import build_queue_for


def upgrade(settings: Settings) -> None:
    """Create or migrate the database to the latest schema, the build queue's tables included when it has them."""
    prepare_data_dir(settings)
    upgrade_database(settings.resolved_database_url)
    asyncio.run(build_queue_for(settings).prepare(settings))


async def seed_demo(settings: Settings, *, today: date | None = None) -> SeedResult:
    """Load the demo data set unless it is there already."""
    async with unit_of_work(settings) as session:
        return await load_demo_data(session, today=today or date.today())


async def publish_demo_report(settings: Settings) -> str | None:
    """Publish the demo's newest draft report through the service; its title, or None when none is left."""
    async with unit_of_work(settings) as session:
        report = await publish_newest_draft(session)
        return report.title if report is not None else None


async def ask_demo_update(settings: Settings) -> tuple[str, str] | None:
    """Ask a subcontractor for an update as the demo's live move; the person asked and the link they are mailed."""
    async with unit_of_work(settings) as session:
        asked = await ask_for_an_update(session)
        if asked is None:
            return None
        request, person = asked
        return f"{person.name} ({person.email})", update_link(request, settings=settings)


async def point_demo_webhooks(settings: Settings, *, url: str) -> list[str]:
    """Point the demo's webhook endpoint at the demo's receiver; the secrets that sign its requests."""
    async with unit_of_work(settings) as session:
        return await point_demo_endpoint(session, settings=settings, admin_email=DEMO_ADMIN_EMAIL, url=url)


async def deliver_now(settings: Settings) -> int:
    """Record the weekly digests that came due, react to every committed event, then send every delivery that is
    due; returns how many mail messages were sent."""
    async with database(settings) as session_factory:
        before = await _sent(session_factory)
        await record_digests(session_factory)
        await run_due_reactions(session_factory, settings=settings)
        senders = Senders.for_settings(settings)
        try:
            while await send_due_deliveries(session_factory, settings=settings, transport=senders.transport,
                                            client=senders.client):
                pass
        finally:
            await senders.close()
        return await _sent(session_factory) - before


async def _sent(session_factory: Any) -> int:
    async with session_factory() as session:
        return sum(row.count for row in await delivery_service.delivery_summary(session)
                   if row.state == "SENT" and row.channel == "EMAIL")


async def add_user(settings: Settings, *, email: str, name: str, org: str, role: str) -> str:
    """Add a user with a role in an organization; returns the stored email."""
    async with unit_of_work(settings) as session:
        user = await auth_service.add_user(session, email=email, name=name, org_slug=org, role=role)
        return user.email


async def issue_token(settings: Settings, *, email: str, ttl_seconds: int | None = None) -> str:
    """A signed access token for the user with `email`."""
    async with unit_of_work(settings) as session:
        return await auth_service.issue_token(session, settings=settings, email=email, ttl_seconds=ttl_seconds)


async def build_sites(
    settings: Settings, *, slugs: list[str] | None, target: str | None = None, force: bool = False,
    console: Console | None = None,
) -> list[BuildOutcome]:
    """Build and publish sites with a progress bar and a summary table."""
    console = console or Console(quiet=True)
    async with database(settings) as session_factory:
        async with session_factory() as session:
            total = len(await site_service.client_sites(session, slugs=slugs))
        with Progress(*Progress.get_default_columns(), MofNCompleteColumn(), console=console, transient=True) as bar:
            task = bar.add_task("building sites", total=total)

            def done(outcome: BuildOutcome) -> None:
                bar.update(task, advance=1, description=f"{outcome.slug}: {outcome.state.value.lower()}")

            try:
                outcomes = await run_builds(session_factory, settings=settings, slugs=slugs, target=target,
                                            force=force, on_done=done)
            finally:
                close_build_pool()
    console.print(outcome_table(outcomes))
    return outcomes


def outcome_table(outcomes: list[BuildOutcome]) -> Table:
    """A summary of a batch of builds: one row per client and a totals line."""
    table = Table(title="Site builds", show_footer=True)
    states = Counter(outcome.state.value for outcome in outcomes)
    totals = ", ".join(f"{count} {state.lower()}" for state, count in sorted(states.items()))
    table.add_column("client", footer="total")
    table.add_column("state", footer=totals)
    table.add_column("files", justify="right", footer=str(sum(o.files for o in outcomes)))
    table.add_column("bytes", justify="right", footer=str(sum(o.bytes for o in outcomes)))
    table.add_column("error")
    for outcome in outcomes:
        table.add_row(outcome.slug, outcome.state.value, str(outcome.files), str(outcome.bytes), outcome.error or "")
    return table


async def delivery_status(settings: Settings) -> Table:
    """Deliveries by channel, kind and state: how many, the oldest still due, the latest error."""
    async with unit_of_work(settings) as session:
        summary = await delivery_service.delivery_summary(session)
    table = Table(title="Deliveries", show_footer=True)
    table.add_column("channel", footer="total")
    table.add_column("kind")
    table.add_column("state")
    table.add_column("count", justify="right", footer=str(sum(row.count for row in summary)))
    table.add_column("oldest due")
    table.add_column("latest error")
    for row in summary:
        due = _when(row.oldest_due) if row.state == "PENDING" else ""
        table.add_row(row.channel, row.kind, row.state, str(row.count), due, (row.last_error or "")[:80])
    return table


async def rotate_site_key(settings: Settings, *, slug: str, console: Console | None = None) -> BuildOutcome:
    """Move a client's site to a new secret address now: publish it there and remove the old copy."""
    async with unit_of_work(settings) as session:
        (entry,) = await site_service.client_sites(session, slugs=[slug])
        await site_service.rotate_key(session, site=entry.site, principal=None)
    (outcome,) = await build_sites(settings, slugs=[slug], console=console)
    return outcome


async def site_status(settings: Settings) -> Table:
    """A table of every client site: live address, last build, queue and next scheduled time."""
    async with unit_of_work(settings) as session:
        statuses = await site_service.site_statuses(session)
    table = Table(title="Client sites")
    for column in ("client", "enabled", "published", "last build", "queued", "next scheduled"):
        table.add_column(column)
    for entry in statuses:
        build = entry.last_build
        table.add_row(
            entry.client.slug,
            "yes" if entry.site.enabled else "no",
            _when(entry.site.published_at),
            f"{build.state.value} {_when(build.finished_at or build.requested_at)}" if build else "never",
            str(entry.queued),
            _when(entry.site.next_build_at),
        )
    return table


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def server_options(settings: Settings, *, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """How uvicorn serves the API: forwarded headers are believed only from RAPPORT_TRUSTED_PROXIES."""
    trusted = settings.trusted_proxies.strip()
    return {"host": host or settings.host, "port": port or settings.port, "proxy_headers": bool(trusted),
            "forwarded_allow_ips": trusted or None, "ws_max_size": settings.max_body_bytes}


def api_app(settings: Settings) -> FastAPI:
    """The API application, with what its build queue runs beside it (with the embedded queue: reactions to
    events, the schedule and the builds; with procrastinate, `rapport worker` processes do that)."""
    return create_app(settings, background=build_queue_for(settings).server_jobs(settings))


async def run_worker(settings: Settings, *, concurrency: int = 1, console: Console | None = None) -> None:
    """Carry out queued site builds as one of any number of worker processes, until SIGINT or SIGTERM."""
    queue = build_queue_for(settings)
    settings.check_mode()
    console = console or Console(quiet=True)

    def ready(name: str) -> None:
        console.print(f"worker {name} is taking site builds (concurrency {concurrency})", markup=False)

    def done(build: SiteBuild, outcome: BuildOutcome) -> None:
        console.print(f"build {build.id} of {outcome.slug}: {outcome.state.value}"
                      + (f" ({outcome.error})" if outcome.error else ""), markup=False)

    async with database(settings) as session_factory, live_activity(settings):  # its reactions record activity
        await queue.run_workers(session_factory, settings=settings, concurrency=concurrency, on_done=done,
                                on_ready=ready)
    console.print("worker stopped")


def export_schema(path: Path) -> None:
    """Write the schema's SDL to `path` (the SDL is the same whatever limits a deployment sets)."""
    path.write_text(create_schema(Settings.model_construct()).as_str() + "\n", encoding="utf-8")
