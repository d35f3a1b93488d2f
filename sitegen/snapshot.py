"""A client's site data, read only through the GraphQL schema as that client."""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.context import Context
from api.schema import schema
from api.settings import Settings



@cache
def snapshot_query() -> str:
    """The one query document that feeds a site."""
    return (Path(__file__).parent / "snapshot.graphql").read_text(encoding="utf-8")


class SnapshotError(RuntimeError):
    """The snapshot query failed; the message says which client and why."""


async def fetch_snapshot(session: AsyncSession, *, settings: Settings, client_id: int, slug: str) -> dict[str, Any]:
    """Everything the client's site shows, as that client may see it through the API."""
    context = Context(
        session=session,
        principal=Principal.client_reader(client_id),
        settings=settings,
        request_id=f"sitegen-{uuid.uuid4().hex[:12]}",
    )
    data = await _execute(context, slug=slug, after=None)
    projects = data["client"]["projects"]
    while projects["pageInfo"]["hasNextPage"]:
        more = (await _execute(context, slug=slug, after=projects["pageInfo"]["endCursor"]))["client"]["projects"]
        projects["edges"].extend(more["edges"])
        projects["pageInfo"] = more["pageInfo"]
    return data


async def _execute(context: Context, *, slug: str, after: str | None) -> dict[str, Any]:
    variables = {"slug": slug, "after": after}
    result = await schema.execute(snapshot_query(), variable_values=variables, context_value=context)
    if result.errors:
        raise SnapshotError(f"snapshot of {slug} failed: {result.errors[0].message}")
    if not result.data or result.data["client"] is None:
        raise SnapshotError(f"snapshot of {slug} failed: the client is not visible to itself")
    return result.data


def input_hash(snapshot: dict[str, Any], *, extra: str = "") -> str:
    """A stable hash of everything a build depends on."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((canonical + "\x00" + extra).encode()).hexdigest()
