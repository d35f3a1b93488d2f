"""The per-caller rate limit: points per minute, spent by each operation's cost before it runs."""

from __future__ import annotations

import base64

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.context import Context
from api.limits.extensions import rate_key
from api.limits.rate import LocalRateLimiter
from api.settings import Settings
from tests.api.limits.operations import refusal, run, schema_for

CLIENTS = "{ clients(first: 5) { totalCount } }"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_bucket_refills_at_its_rate_per_minute() -> None:
    clock = Clock()
    limiter = LocalRateLimiter(points_per_minute=60, clock=clock)
    spent = await limiter.spend("user:1", 60)
    assert (spent.granted, spent.remaining, spent.full_in) == (True, 0, 60.0)

    refused = await limiter.spend("user:1", 2)
    assert (refused.granted, refused.remaining, refused.retry_after) == (False, 0, 2.0)
    clock.now += 1.5
    assert (await limiter.spend("user:1", 2)).retry_after == 0.5
    clock.now += 0.5
    assert (await limiter.spend("user:1", 2)).granted

    assert (await limiter.spend("user:2", 60)).granted, "each caller has a budget of its own"
    never = await limiter.spend("user:3", 61)
    assert (never.granted, never.retry_after) == (False, None)


def test_the_budget_belongs_to_the_api_token_else_the_user_and_in_process_readers_have_none() -> None:
    assert rate_key(Principal(grants=(), user_id=4, api_token_id=9)) == "token:9"
    assert rate_key(Principal(grants=(), user_id=4)) == "user:4"
    assert rate_key(Principal.client_reader(12)) is None


async def test_an_exhausted_budget_refuses_with_retry_after_before_anything_runs(
    session: AsyncSession, staff: Principal, statements: list[str]
) -> None:
    limited = schema_for(rate_limit_points_per_minute=3)
    remaining = []
    for _ in range(3):
        result = await run(limited, session, staff, CLIENTS)
        assert result.errors is None
        remaining.append(result.extensions["rateLimit"]["remaining"])
    assert remaining == [2, 1, 0]

    statements.clear()
    result = await run(limited, session, staff, CLIENTS)
    message, extensions = refusal(result)
    assert extensions["code"] == "RATE_LIMITED"
    assert 1 <= extensions["retryAfter"] <= 20  # three points a minute: one point comes back every 20 seconds
    assert f"retry in {extensions['retryAfter']} seconds" in message
    assert result.extensions["rateLimit"]["remaining"] == 0
    assert statements == []


async def test_an_operation_costing_more_than_the_whole_budget_is_refused(session: AsyncSession,
                                                                         staff: Principal) -> None:
    query = """{ clients(first: 10) { edges { node { projects(first: 50) { edges { node {
      milestones(first: 20) { totalCount } } } } } } } }"""  # 1 + 10 + 500 pages: 5 points
    message, extensions = refusal(await run(schema_for(rate_limit_points_per_minute=4), session, staff, query))
    assert extensions == {"code": "RATE_LIMITED", "cost": 5, "limit": 4, "classification": "BAD_USER_INPUT"}
    assert "costs 5 points, more than the 4 points per minute" in message


async def test_in_process_readers_are_not_rate_limited(session: AsyncSession, staff: Principal) -> None:
    limited = schema_for(rate_limit_points_per_minute=1)
    reader = Principal(grants=staff.grants)
    for _ in range(3):
        result = await run(limited, session, reader, CLIENTS)
        assert result.errors is None and "rateLimit" not in result.extensions


async def test_a_subscription_spends_points_and_is_refused_when_none_are_left(session: AsyncSession,
                                                                             staff: Principal) -> None:
    limited = schema_for(rate_limit_points_per_minute=1)
    assert (await run(limited, session, staff, CLIENTS)).errors is None
    build_id = base64.b64encode(b"SiteBuild:1").decode()
    context = Context(session=session, principal=staff, settings=Settings(), request_id="limits-test")
    stream = await limited.subscribe(
        "subscription($id: ID!) { siteBuildUpdates(buildId: $id) { id } }",
        variable_values={"id": build_id},
        context_value=context,
    )
    first = await anext(stream)
    await stream.aclose()
    assert first.errors is not None and first.errors[0].extensions["code"] == "RATE_LIMITED"
