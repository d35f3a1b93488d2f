"""Recording who changed what."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth.principal import Principal


async def record(
    session: AsyncSession,
    *,
    principal: Principal | None,
    action: str,
    object_type: str,
    object_id: int | None,
    organization_id: int | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event for `action` on one object, attributed to `principal` and the current request."""
    event = AuditEvent(
        actor_user_id=principal.user_id if principal else None,
        actor_token_id=principal.api_token_id if principal else None,
        organization_id=organization_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details or {},
        request_id=session.info.get("request_id"),
    )
    session.add(event)
    await session.flush()
    return event
