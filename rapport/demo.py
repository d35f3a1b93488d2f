"""`rapport demo`: the whole product on one machine, on embedded defaults."""

from __future__ import annotations

import asyncio

import uvicorn
from rich.console import Console

from api.demo.seed import DEMO_STAFF_EMAIL
from api.settings import Settings
from rapport import commands
from rapport.receiver import Receiver
from sitegen.pipeline import BuildOutcome

DEMO_TOKEN_TTL_SECONDS = 4 * 3600


async def prepare_demo(settings: Settings, *, console: Console,
                       receiver: Receiver) -> tuple[str, list[BuildOutcome], int, tuple[str, str] | None]:
    """Seed when empty, point the PMO's webhook endpoint at the demo's receiver, then (on a fresh data set) publish
    one draft report and ask a subcontractor for an update through the services as the PMO would; build and
    publish every site, send the notices and webhooks all that owes, and issue a PMO staff token."""
    result = await commands.seed_demo(settings)
    console.print("loaded the demo data set" if result.created else "reusing the existing demo data")
    receiver.secrets = await commands.point_demo_webhooks(settings, url=receiver.url)
    if result.created and (title := await commands.publish_demo_report(settings)):
        console.print(f"published the report {title!r}", markup=False)
    asked = await commands.ask_demo_update(settings) if result.created else None
    outcomes = await commands.build_sites(settings, slugs=None, console=console)
    sent = await commands.deliver_now(settings)
    token = await commands.issue_token(settings, email=DEMO_STAFF_EMAIL, ttl_seconds=DEMO_TOKEN_TTL_SECONDS)
    return token, outcomes, sent, asked


def run_demo(settings: Settings, *, host: str, port: int, console: Console) -> None:
    """Prepare everything, print where to look, then serve until Ctrl-C."""
    base = f"http://{host}:{port}"
    if "public_url" not in settings.model_fields_set:  # links in mail and on the sites lead to this server
        settings = settings.model_copy(update={"public_url": base})
    commands.upgrade(settings)
    receiver = Receiver(settings.data_dir.resolve() / "webhooks" / "received.jsonl")
    receiver.start()
    token, outcomes, sent, asked = asyncio.run(prepare_demo(settings, console=console, receiver=receiver))
    console.print(f"\nRapport demo is running (data in {settings.data_dir.resolve()}).")
    console.print(f"GraphQL API and GraphiQL: {base}/graphql")
    console.print("Client microsites:")
    for outcome in outcomes:
        console.print(f"  {outcome.slug}: {base}/sites/{outcome.site_path}/index.html", markup=False)
    if settings.smtp_url is None:
        console.print(f"Mail: {sent} notices written this run to {settings.mail_dir} "
                      "(one .eml file per message; open one in any mail client)", markup=False)
    else:
        console.print(f"Mail: {sent} notices sent through RAPPORT_SMTP_URL", markup=False)
    console.print(f"Webhooks: {receiver.verified} signed events received this run by the demo receiver at "
                  f"{receiver.url}, each signature verified (logged in {receiver.log})", markup=False)
    if asked is not None:
        console.print(f"Update request mailed to {asked[0]}; answer it as they would: {asked[1]}", markup=False)
    console.print(f"PMO staff token for {DEMO_STAFF_EMAIL} (valid {DEMO_TOKEN_TTL_SECONDS // 3600} hours; "
                  "send it as 'Authorization: Bearer <token>'):")
    console.print(f"token: {token}", markup=False, soft_wrap=True)
    console.print("Press Ctrl-C to stop.\n")
    uvicorn.run(commands.api_app(settings), **commands.server_options(settings, host=host, port=port),
                log_level="warning")
