"""A client's site data, read only through the GraphQL schema as that client."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from functools import cache, partial
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.context import Context
from api.earned_value import service as earned_value_service
from api.schema import get_schema
from api.settings import Settings


@cache
def snapshot_query() -> str:
    """The one query document that feeds a site."""
    return (Path(__file__).parent / "snapshot.graphql").read_text(encoding="utf-8")


class SnapshotError(RuntimeError):
    """The snapshot query failed; the message says which client and why."""


# The operation that pages on through each list inside a project.
PROJECT_LISTS = {"assignments": "ProjectAssignments", "milestones": "ProjectMilestones", "risks": "ProjectRisks",
                 "statusReports": "ProjectStatusReports"}
Connection = dict[str, Any]
ACTIVITY_DAYS = 30  # a project page's "Recent activity": the client-audience activity of the last 30 days


async def fetch_snapshot(session: AsyncSession, *, settings: Settings, client_id: int, slug: str) -> dict[str, Any]:
    """Everything the client's site shows, as that client may see it through the API, every list whole."""
    context = Context(
        session=session,
        principal=Principal.client_reader(client_id),
        settings=settings,
        request_id=f"sitegen-{uuid.uuid4().hex[:12]}",
    )
    today = (await earned_value_service.today_for_clients(session, client_ids=[client_id]))[client_id]
    since = datetime.combine(today - timedelta(days=ACTIVITY_DAYS), time(), tzinfo=UTC).isoformat()
    data = await _execute(context, "SiteSnapshot", slug=slug, after=None, activitySince=since)

    async def more_projects(after: str) -> Connection:
        return (await _execute(context, "SiteSnapshot", slug=slug, after=after,
                               activitySince=since))["client"]["projects"]

    await _page_on(data["client"]["projects"], more_projects)
    for edge in data["client"]["projects"]["edges"]:
        project = edge["node"]
        for field, operation in PROJECT_LISTS.items():
            await _page_on(project[field], partial(_project_list, context, slug, operation, project, field))

    async def more_action_items(after: str) -> Connection:
        return (await _execute(context, "SiteActionItems", slug=slug, after=after))["actionItems"]

    await _page_on(data["actionItems"], more_action_items)
    return data


async def _project_list(context: Context, slug: str, operation: str, project: dict[str, Any], field: str,
                        after: str) -> Connection:
    data = await _execute(context, operation, slug=slug, id=project["id"], after=after)
    if data["node"] is None:
        raise SnapshotError(f"snapshot of {slug} failed: project {project['code']} went out of sight while read")
    return data["node"][field]


async def _page_on(connection: Connection, next_page: Callable[[str], Awaitable[Connection]]) -> None:
    """Read the rest of a connection, page after page, into its first page."""
    while connection["pageInfo"]["hasNextPage"]:
        more = await next_page(connection["pageInfo"]["endCursor"])
        connection["edges"].extend(more["edges"])
        connection["pageInfo"], connection["totalCount"] = more["pageInfo"], more["totalCount"]


async def _execute(context: Context, operation: str, *, slug: str, **variables: Any) -> dict[str, Any]:
    if operation == "SiteSnapshot":
        variables["slug"] = slug
    result = await get_schema(context.settings).execute(snapshot_query(), variable_values=variables, context_value=context,
                                  operation_name=operation)
    if result.errors:
        raise SnapshotError(f"snapshot of {slug} failed: {result.errors[0].message}")
    if not result.data or (operation == "SiteSnapshot" and result.data["client"] is None):
        raise SnapshotError(f"snapshot of {slug} failed: the client is not visible to itself")
    return result.data


def input_hash(snapshot: dict[str, Any], *, extra: str = "") -> str:
    """A stable hash of everything a build depends on."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((canonical + "\x00" + extra).encode()).hexdigest()
