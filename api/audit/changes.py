"""Changing a row and auditing the change, the one way every domain does it."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.principal import Principal


def apply_changes(row: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Set each attribute of `row` named in `values`; return the ones whose value actually changed."""
    changed = {}
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed[name] = value
    return changed


async def record_change(
    session: AsyncSession,
    *,
    principal: Principal,
    action: str,
    row: Any,
    client_id: int,
    changed: dict[str, Any],
) -> None:
    """An audit event for `action` on `row`, under its client, listing the fields it set."""
    await audit_service.record(
        session,
        principal=principal,
        action=action,
        object_type=type(row).__name__,
        object_id=row.id,
        organization_id=client_id,
        details={name: _plain(value) for name, value in changed.items()},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
