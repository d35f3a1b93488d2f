"""Depth, aliases and tokens: a document over a limit is refused before anything runs, with a code."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from tests.api.limits.operations import refusal, run, schema_for
from tests.fixtures.graphql import schema

CYCLE = ["projects(first: 1)", "edges", "node", "client"]
LEAVES = {"projects(first: 1)": "totalCount", "edges": "cursor", "node": "code", "client": "slug"}


def nested(levels: int) -> str:
    """A query whose selections nest `levels` fields deep, walking projects and their clients."""
    names = [CYCLE[index % len(CYCLE)] for index in range(levels - 1)]
    return "{ " + " { ".join(names) + " { " + LEAVES[names[-1]] + " }" * len(names) + " }"


def aliased(count: int) -> str:
    """A query asking for the first client under `count` aliases."""
    return "{ " + " ".join(f"c{index}: clients(first: 1) {{ totalCount }}" for index in range(count)) + " }"


def padded(tokens: int) -> str:
    """A query of `tokens` tokens, most of them comments (which count, so padding cannot get around the limit)."""
    return "# padding\n" * (tokens - 11) + "{ clients(first: 1) { totalCount } }"


@pytest.mark.parametrize(
    ("allowed", "refused", "code", "message"),
    [
        (nested(16), nested(17), "DEPTH_LIMIT_EXCEEDED", "nests 16 levels deep, more than the maximum operation depth"),
        (aliased(15), aliased(16), "ALIAS_LIMIT_EXCEEDED", "16 aliases found, more than the 15 allowed"),
        (padded(1990), padded(2010), "TOKEN_LIMIT_EXCEEDED", "more than 2000 tokens"),
    ],
    ids=["depth", "aliases", "tokens"],
)
async def test_a_document_over_a_limit_is_refused_before_it_runs(
    session: AsyncSession, staff: Principal, statements: list[str], allowed: str, refused: str, code: str,
    message: str,
) -> None:
    result = await run(schema, session, staff, allowed)
    assert result.errors is None, result.errors
    assert statements, "the allowed query runs SQL, so the counter below can see a refused one that would"

    statements.clear()
    text, extensions = refusal(await run(schema, session, staff, refused))
    assert message in text
    assert extensions["code"] == code
    assert statements == []


async def test_the_limits_follow_the_settings(session: AsyncSession, staff: Principal) -> None:
    tight = schema_for(graphql_max_depth=3, graphql_max_aliases=1, graphql_max_tokens=40)
    assert refusal(await run(tight, session, staff, nested(5)))[1]["code"] == "DEPTH_LIMIT_EXCEEDED"
    assert refusal(await run(tight, session, staff, aliased(2)))[1]["code"] == "ALIAS_LIMIT_EXCEEDED"
    assert refusal(await run(tight, session, staff, padded(50)))[1]["code"] == "TOKEN_LIMIT_EXCEEDED"
    assert (await run(tight, session, staff, aliased(1))).errors is None


async def test_aliases_inside_fragments_count_too(session: AsyncSession, staff: Principal) -> None:
    fields = " ".join(f"n{index}: totalCount" for index in range(16))
    query = "{ clients(first: 1) { ...Counts } } fragment Counts on ClientConnection { " + fields + " }"
    assert refusal(await run(schema, session, staff, query))[1]["code"] == "ALIAS_LIMIT_EXCEEDED"


async def test_depth_is_measured_through_fragments(session: AsyncSession, staff: Principal) -> None:
    body = nested(17)
    query = "{ ...Deep } fragment Deep on Query " + body
    _, extensions = refusal(await run(schema, session, staff, query))
    assert extensions == {"code": "DEPTH_LIMIT_EXCEEDED", "depth": 16, "maximumDepth": 15,
                          "classification": "BAD_USER_INPUT"}


@pytest.mark.parametrize(("leaf", "error"), [("__typename", None), ("a: __typename", "ALIAS_LIMIT_EXCEEDED")])
async def test_fragments_spread_over_and_over_are_measured_once(
    session: AsyncSession, staff: Principal, leaf: str, error: str | None
) -> None:
    levels = 60  # each fragment spreads the next twice: walked spread by spread, 2**60 visits
    fragments = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels))
    query = "{ ...F0 } " + fragments + f" fragment F{levels} on Query {{ {leaf} }}"
    started = time.perf_counter()
    result = await run(schema, session, staff, query)
    assert time.perf_counter() - started < 5
    if error is None:
        assert result.errors is None and result.data == {"__typename": "Query"}
    else:
        _, extensions = refusal(result)
        assert extensions["code"] == error and extensions["aliases"] == 2**levels


async def test_an_unknown_fragment_is_reported_as_such(session: AsyncSession, staff: Principal) -> None:
    result = await run(schema, session, staff, "{ clients(first: 1) { ...Missing } }")
    assert result.errors is not None
    assert [error.message for error in result.errors] == ["Unknown fragment 'Missing'."]
