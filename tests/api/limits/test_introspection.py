"""Introspection and field suggestions: on in embedded mode, off in production, overridable by settings."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from tests.api.limits.operations import run, schema_for

SCHEMA_QUERY = "{ __schema { queryType { name } } }"
TYPE_QUERY = '{ __type(name: "Client") { fields { name } } }'
MISSPELT = "{ clientz(first: 1) { totalCount } }"


@pytest.mark.parametrize("query", [SCHEMA_QUERY, TYPE_QUERY])
async def test_production_refuses_introspection(session: AsyncSession, staff: Principal, query: str) -> None:
    result = await run(schema_for(mode="production"), session, staff, query)
    assert result.data is None and result.errors
    assert {error.extensions["code"] for error in result.errors} == {"INTROSPECTION_DISABLED"}
    assert "introspection has been disabled" in result.errors[0].message


async def test_embedded_mode_answers_introspection(session: AsyncSession, staff: Principal) -> None:
    result = await run(schema_for(mode="embedded"), session, staff, SCHEMA_QUERY)
    assert result.errors is None
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_typename_stays_available_in_production(session: AsyncSession, staff: Principal) -> None:
    result = await run(schema_for(mode="production"), session, staff, "{ __typename }")
    assert result.errors is None and result.data == {"__typename": "Query"}


async def test_field_suggestions_are_given_only_where_introspection_is_on(session: AsyncSession,
                                                                         staff: Principal) -> None:
    embedded = await run(schema_for(mode="embedded"), session, staff, MISSPELT)
    production = await run(schema_for(mode="production"), session, staff, MISSPELT)
    assert "Did you mean" in embedded.errors[0].message
    assert production.errors[0].message == "Cannot query field 'clientz' on type 'Query'."


async def test_the_introspection_setting_overrides_the_mode(session: AsyncSession, staff: Principal) -> None:
    opened = schema_for(mode="production", introspection=True)
    closed = schema_for(mode="embedded", introspection=False)
    assert (await run(opened, session, staff, SCHEMA_QUERY)).errors is None
    assert "Did you mean" in (await run(opened, session, staff, MISSPELT)).errors[0].message
    assert (await run(closed, session, staff, SCHEMA_QUERY)).errors[0].extensions["code"] == "INTROSPECTION_DISABLED"
    assert "Did you mean" not in (await run(closed, session, staff, MISSPELT)).errors[0].message
