"""Running operations through a schema built for the settings a test needs."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import ExecutionResult

from api.auth.principal import Principal
from api.context import Context
from api.schema import create_schema
from api.settings import Settings


def schema_for(**settings: Any) -> strawberry.Schema:
    """A schema of its own (its own rate limiter) built for settings with these overrides."""
    return create_schema(Settings(**settings))


async def run(schema: strawberry.Schema, session: AsyncSession, principal: Principal, query: str,
              **variables: Any) -> ExecutionResult:
    """Execute `query` through `schema` as `principal`."""
    context = Context(session=session, principal=principal, settings=Settings(), request_id="limits-test")
    return await schema.execute(query, variable_values=variables, context_value=context)


def refusal(result: ExecutionResult) -> tuple[str, dict[str, Any]]:
    """The one error of a refused operation: its message and extensions; no data came back."""
    assert result.data is None
    assert result.errors is not None and len(result.errors) == 1, result.errors
    return result.errors[0].message, result.errors[0].extensions or {}
