"""A webhook's body: `{"type", "timestamp", "data"}`, where `data` is read through the API as the endpoint's owner."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.changes.events import DomainEvent
from api.delivery.notices import NotVisible, read_with
from api.settings import Settings
from api.webhooks.models import EndpointOwner, WebhookEndpoint, WebhookEventType
from api.webhooks.service import reader_of

# What each type is about: the node read for `data`, and the event field holding its id.
SUBJECTS: dict[WebhookEventType, tuple[str, str]] = {
    WebhookEventType.STATUS_REPORT_PUBLISHED: ("StatusReport", "report_id"),
    WebhookEventType.MILESTONE_SUBMITTED: ("Milestone", "milestone_id"),
    WebhookEventType.MILESTONE_ACCEPTED: ("Milestone", "milestone_id"),
    WebhookEventType.MILESTONE_REJECTED: ("Milestone", "milestone_id"),
    WebhookEventType.ACTION_ITEM_DONE: ("ActionItem", "action_item_id"),
    WebhookEventType.SITE_PUBLISHED: ("SiteBuild", "build_id"),
    WebhookEventType.FEEDBACK_RECEIVED: ("Feedback", "feedback_id"),
}


@cache
def _document() -> str:
    return (Path(__file__).parent / "payloads.graphql").read_text(encoding="utf-8")


async def compose_body(session: AsyncSession, *, settings: Settings, endpoint: WebhookEndpoint, event: DomainEvent,
                       event_type: WebhookEventType, occurred_at: datetime) -> str:
    """The request body, as compact JSON; NotVisible when the owner cannot read what the event is about."""
    typename, attribute = SUBJECTS[event_type]
    data = await read_with(session, settings=settings, principal=reader_of(endpoint), document=_document(),
                           operation=typename, id=str(relay.GlobalID(typename, str(getattr(event, attribute)))),
                           internal=endpoint.owner is EndpointOwner.PMO)
    node: dict[str, Any] | None = data["node"]
    if node is None:
        raise NotVisible(f"the endpoint's owner cannot read this {typename}")
    body = {"type": event_type.value, "timestamp": occurred_at.isoformat().replace("+00:00", "Z"), "data": node}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
