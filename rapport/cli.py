"""The `rapport` command line: a thin shell over functions the tests call directly."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from api.kit.errors import DomainError
from api.settings import Settings, SettingsError, get_settings
from rapport import commands
from sitegen.publish import PublishTargetError
from sitegen.queue_schema import QueueSchemaError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Rapport: client status microsites and CX measurement for a PMO.")
db_app = typer.Typer(no_args_is_help=True, help="Database migrations.")
user_app = typer.Typer(no_args_is_help=True, help="Users and memberships.")
token_app = typer.Typer(no_args_is_help=True, help="Access tokens.")
sites_app = typer.Typer(no_args_is_help=True, help="Client microsites.")
schema_app = typer.Typer(no_args_is_help=True, help="The GraphQL schema.")
deliveries_app = typer.Typer(no_args_is_help=True, help="Mail and other deliveries.")
for sub, name in ((db_app, "db"), (user_app, "user"), (token_app, "token"), (sites_app, "sites"), (schema_app, "schema"),
                  (deliveries_app, "deliveries")):
    app.add_typer(sub, name=name)

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def one_line_errors(command: F) -> F:
    """Expected failures print `error: <reason>` on one line and exit 1."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (DomainError, SettingsError, PublishTargetError, QueueSchemaError) as exc:
            err.print(f"error: {getattr(exc, 'message', str(exc))}", markup=False)
            raise typer.Exit(1) from None

    return run  # type: ignore[return-value]


def settings() -> Settings:
    return get_settings()


@app.command()
@one_line_errors
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Everything on one machine: database, demo data, every microsite, API and site preview."""
    from rapport.demo import run_demo

    run_demo(settings(), host=host, port=port, console=out)


@app.command()
@one_line_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the API (GraphQL at /graphql) and the local site preview at /sites/."""
    import uvicorn

    config = settings()
    uvicorn.run(commands.api_app(config), **commands.server_options(config, host=host, port=port), log_level="info")


@app.command()
@one_line_errors
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Builds this process carries out at the same time.")] = 1,
) -> None:
    """Carry out queued site builds (scale-out: run any number, on any machine, against PostgreSQL)."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(commands.run_worker(settings(), concurrency=concurrency, console=out))


@db_app.command("upgrade")
@one_line_errors
def db_upgrade() -> None:
    """Migrate the database to the latest schema."""
    commands.upgrade(settings())
    out.print("database is up to date")


@app.command()
@one_line_errors
def seed(demo: Annotated[bool, typer.Option("--demo", help="Load the demo data set.")] = False) -> None:
    """Load data into the database."""
    if not demo:
        raise typer.BadParameter("say what to seed: --demo")
    result = asyncio.run(commands.seed_demo(settings()))
    summary = ", ".join(f"{count} {table}" for table, count in sorted(result.counts.items()))
    out.print(("seeded demo data: " if result.created else "demo data already present: ") + summary)


@user_app.command("add")
@one_line_errors
def user_add(
    email: Annotated[str, typer.Option(help="Sign-in email address.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    org: Annotated[str, typer.Option(help="Slug of the organization.")],
    role: Annotated[str, typer.Option(help="PMO_ADMIN, PMO_STAFF, CLIENT_EXECUTIVE, CLIENT_CONTACT or SUBCONTRACTOR.")],
) -> None:
    """Add a user (or a membership for an existing one)."""
    user_email = asyncio.run(commands.add_user(settings(), email=email, name=name, org=org, role=role))
    out.print(f"{user_email} is {role.upper()} in {org}")


@token_app.command("issue")
@one_line_errors
def token_issue(
    email: Annotated[str, typer.Option(help="The user the token signs in as.")],
    ttl: Annotated[int | None, typer.Option(help="Lifetime in seconds.")] = None,
) -> None:
    """Print a signed access token for a user."""
    print(asyncio.run(commands.issue_token(settings(), email=email, ttl_seconds=ttl)))


@sites_app.command("build")
@one_line_errors
def sites_build(
    client: Annotated[list[str] | None, typer.Option("--client", help="Client slug (repeatable).")] = None,
    all_clients: Annotated[bool, typer.Option("--all", help="Every client with an enabled site.")] = False,
    target: Annotated[str | None, typer.Option(help="Publish target URL, e.g. file:///srv/sites.")] = None,
    force: Annotated[bool, typer.Option(help="Rebuild and publish even when nothing changed.")] = False,
) -> None:
    """Build and publish client microsites."""
    if bool(client) == all_clients:
        raise typer.BadParameter("pass --client SLUG or --all")
    outcomes = asyncio.run(commands.build_sites(settings(), slugs=client or None, target=target, force=force, console=out))
    if any(outcome.error for outcome in outcomes):
        raise typer.Exit(1)


@sites_app.command("rotate-key")
@one_line_errors
def sites_rotate_key(client: Annotated[str, typer.Option("--client", help="Client slug.")]) -> None:
    """Give a client's site a new secret address, publish it there and remove the old copy."""
    outcome = asyncio.run(commands.rotate_site_key(settings(), slug=client, console=out))
    if outcome.error:
        raise typer.Exit(1)
    address = settings().resolved_sites_base_url.rstrip("/")
    out.print(f"{client} now lives at {address}/{outcome.site_path}/index.html", markup=False)


@deliveries_app.command("status")
@one_line_errors
def deliveries_status() -> None:
    """Show deliveries by channel, kind and state, with the oldest still due and the latest error."""
    out.print(asyncio.run(commands.delivery_status(settings())))


@sites_app.command("status")
@one_line_errors
def sites_status() -> None:
    """Show every client site: last build, queue, next scheduled rebuild."""
    out.print(asyncio.run(commands.site_status(settings())))


@schema_app.command("export")
@one_line_errors
def schema_export(path: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path("schema.graphql")) -> None:
    """Write the GraphQL schema (SDL) to a file."""
    commands.export_schema(path)
    out.print(f"wrote {path}")


def main() -> None:
    """Entry point of the `rapport` script."""
    app()
