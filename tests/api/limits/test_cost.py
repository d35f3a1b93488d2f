"""The cost of an operation, as GitHub computes it, and where the response reports it."""

from __future__ import annotations

import pytest
from graphql import build_schema, parse
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.limits.cost import OperationCost, measure
from tests.api.limits.operations import run, schema_for

KNOWN = """{ clients(first: 10) { edges { node { projects(first: 50) { edges { node {
  milestones(first: 20) { totalCount } } } } } } } }"""

SDL = build_schema("""
interface Named { name: String }
type Part { id: ID }
type PartEdge { node: Part }
type PartConnection { edges: [PartEdge] }
type Thing implements Named { name: String parts(first: Int, last: Int): PartConnection unpaged: PartConnection }
type ThingEdge { node: Thing }
type ThingConnection { edges: [ThingEdge] }
union Found = Thing | Part
type Query { things(first: Int, last: Int): ThingConnection found: [Found] named: Named }
""")


async def test_the_cost_of_a_known_query_is_in_the_response(session: AsyncSession, staff: Principal) -> None:
    result = await run(schema_for(), session, staff, KNOWN)
    assert result.errors is None
    # nodes: 10 clients, 10 x 50 projects, 500 x 20 milestones; requests: 1 + 10 + 500 pages, over 100, rounded
    assert result.extensions["cost"] == {"requestedQueryCost": 5, "nodeCount": 10_510, "maximumNodeCount": 50_000}
    rate_limit = result.extensions["rateLimit"]
    assert (rate_limit["limit"], rate_limit["remaining"]) == (5000, 4995)
    assert rate_limit["resetAt"].endswith("+00:00")


async def test_an_operation_without_connections_costs_one_point(session: AsyncSession, staff: Principal) -> None:
    result = await run(schema_for(), session, staff, "{ viewer { isPmoStaff } }")
    assert result.errors is None
    assert result.extensions["cost"] == {"requestedQueryCost": 1, "nodeCount": 0, "maximumNodeCount": 50_000}


@pytest.mark.parametrize(
    ("requests", "points"), [(0, 1), (1, 1), (149, 1), (150, 2), (249, 2), (5_101, 51)]
)
def test_points_are_requests_over_a_hundred_rounded_and_at_least_one(requests: int, points: int) -> None:
    assert OperationCost(node_count=0, request_count=requests).points == points


def _measure(query: str, **variables: object) -> OperationCost | None:
    return measure(SDL, parse(query), operation_name=None, variables=variables)


def test_a_connection_without_page_arguments_counts_as_full_pages() -> None:
    cost = _measure("{ things(first: 2) { edges { node { unpaged { edges { node { id } } } } } } }")
    assert cost == OperationCost(node_count=2 + 2 * 100, request_count=1 + 2)


def test_fragments_on_unions_and_interfaces_are_followed() -> None:
    union = _measure("{ found { ... on Thing { parts(first: 5) { edges { node { id } } } } } }")
    interface = _measure(
        "{ named { name ...ThingParts } } fragment ThingParts on Thing { parts(last: 3) { edges { node { id } } } }"
    )
    assert union == OperationCost(node_count=5, request_count=1)
    assert interface == OperationCost(node_count=3, request_count=1)


def test_variables_that_do_not_fit_leave_the_refusal_to_execution() -> None:
    assert _measure("query($n: Int!) { things(first: $n) { edges { node { name } } } }", n="many") is None
