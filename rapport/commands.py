"""What the CLI commands do, as plain functions the tests call directly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from api.auth import service as auth_service
from api.database import upgrade_database
from api.demo.seed import SeedResult
from api.demo.seed import seed_demo as load_demo_data
from api.schema import schema
from api.settings import Settings
from rapport.runtime import database, prepare_data_dir, unit_of_work
from sitegen.pipeline import BuildOutcome
from sitegen.pipeline import build_sites as run_builds


def upgrade(settings: Settings) -> None:
    """Create or migrate the database to the latest schema."""
    prepare_data_dir(settings)
    upgrade_database(settings.resolved_database_url)


async def seed_demo(settings: Settings, *, today: date | None = None) -> SeedResult:
    """Load the demo data set unless it is there already."""
    async with unit_of_work(settings) as session:
        return await load_demo_data(session, today=today or date.today())


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
        with console.status("building sites") as status:
            def done(outcome: BuildOutcome) -> None:
                status.update(f"built {outcome.slug}: {outcome.state.value.lower()}")

            outcomes = await run_builds(session_factory, settings=settings, slugs=slugs, target=target, force=force,
                                        on_done=done)
    console.print(outcome_table(outcomes))
    return outcomes


def outcome_table(outcomes: list[BuildOutcome]) -> Table:
    """A summary of a batch of builds."""
    table = Table(title="Site builds")
    for column in ("client", "state", "files", "bytes", "error"):
        table.add_column(column)
    for outcome in outcomes:
        table.add_row(outcome.slug, outcome.state.value, str(outcome.files), str(outcome.bytes), outcome.error or "")
    return table


def export_schema(path: Path) -> None:
    """Write the schema's SDL to `path`."""
    path.write_text(schema.as_str() + "\n", encoding="utf-8")
