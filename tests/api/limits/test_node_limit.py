"""The node limit and page sizes, checked on the whole operation before any resolver runs."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from tests.api.limits.operations import refusal, run, schema_for
from tests.fixtures.graphql import schema

BOMB = """{ clients(first: 100) { edges { node { projects(first: 100) { edges { node {
  milestones(first: 100) { totalCount } statusReports(first: 100) { totalCount } } } } } } } }"""
FRAGMENT_BOMB = """{ clients(first: 100) { ...Page } }
fragment Page on ClientConnection { edges { node { ... on Client { projects(first: 100) { ...Projects } } } } }
fragment Projects on ProjectConnection { edges { node { client { projects(first: 10) { totalCount } } } } }"""


async def test_a_node_bomb_is_refused_before_it_runs(session: AsyncSession, staff: Principal,
                                                     statements: list[str]) -> None:
    message, extensions = refusal(await run(schema, session, staff, BOMB))
    assert extensions == {"code": "NODE_LIMIT_EXCEEDED", "nodeCount": 2_010_100, "maximumNodeCount": 50_000,
                          "classification": "BAD_USER_INPUT"}
    assert "2,010,100 nodes" in message and "50,000" in message
    assert statements == []


async def test_fragments_and_inline_fragments_are_followed(session: AsyncSession, staff: Principal,
                                                           statements: list[str]) -> None:
    _, extensions = refusal(await run(schema, session, staff, FRAGMENT_BOMB))
    assert extensions["nodeCount"] == 100 + 100 * 100 + 100 * 100 * 10
    assert statements == []


async def test_the_node_limit_follows_the_settings(session: AsyncSession, staff: Principal) -> None:
    at_limit = "{ clients(first: 100) { edges { node { projects(first: 100) { totalCount } } } } }"
    over_limit = "{ projects(first: 1) { totalCount } " + at_limit[1:]
    tight = schema_for(graphql_max_nodes=10_100)
    assert (await run(tight, session, staff, at_limit)).errors is None
    assert refusal(await run(tight, session, staff, over_limit))[1]["nodeCount"] == 10_101


@pytest.mark.parametrize(
    ("arguments", "variables", "message"),
    [
        ("first: 1000", {}, "`first` must be between 1 and 100"),
        ("last: 0", {}, "`last` must be between 1 and 100"),
        ("", {}, "pass `first` or `last`"),
        ("first: $size", {"size": 1000}, "`first` must be between 1 and 100"),
        ("first: $size", {"size": None}, "pass `first` or `last`"),
        ("first: 5, last: 5", {}, "pass either `first` or `last`, not both"),
    ],
    ids=["first-1000", "last-0", "missing", "variable-1000", "variable-null", "both"],
)
async def test_a_bad_page_size_is_refused_before_anything_runs(
    session: AsyncSession, staff: Principal, statements: list[str], arguments: str, variables: dict, message: str
) -> None:
    projects = f"projects({arguments})" if arguments else "projects"
    declaration = "($size: Int)" if "$size" in arguments else ""
    query = "query" + declaration + " { clients(first: 5) { edges { node { " + projects + " { totalCount } } } } }"
    text, extensions = refusal(await run(schema, session, staff, query, **variables))
    assert text.startswith("clients.edges.node.projects: ") and message in text
    assert extensions["code"] == "INVALID"
    assert statements == []


async def test_skipped_selections_cost_nothing(session: AsyncSession, staff: Principal) -> None:
    query = """query($deep: Boolean!) { clients(first: 100) { edges { node { projects(first: 100) { edges { node {
      milestones(first: 100) @include(if: $deep) { totalCount } } } } } } } }"""
    shallow = await run(schema, session, staff, query, deep=False)
    assert shallow.errors is None and shallow.extensions["cost"]["nodeCount"] == 10_100
    assert refusal(await run(schema, session, staff, query, deep=True))[1]["nodeCount"] == 1_010_100


async def test_nodes_by_id_multiply_what_they_select(session: AsyncSession, staff: Principal) -> None:
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Client {
      projects(first: 100) { edges { node { milestones(first: 100) { totalCount } } } } } } }"""
    ids = [base64.b64encode(f"Client:{900_000 + index}".encode()).decode() for index in range(10)]
    one = await run(schema, session, staff, query, ids=ids[:1])
    assert one.errors is None and one.extensions["cost"]["nodeCount"] == 10_100
    assert refusal(await run(schema, session, staff, query, ids=ids))[1]["nodeCount"] == 101_000


async def test_a_field_asked_twice_under_one_name_counts_once(session: AsyncSession, staff: Principal) -> None:
    query = "{ clients(first: 100) { totalCount } clients(first: 100) { edges { cursor } } }"
    result = await run(schema, session, staff, query)
    assert result.errors is None and result.extensions["cost"]["nodeCount"] == 100
