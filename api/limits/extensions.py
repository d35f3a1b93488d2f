"""The schema extensions that enforce the limits, built from the settings, and the cost and rate checks they run."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, SchemaExtension, ValidationCache
from strawberry.types.graphql import OperationType

from api.auth.principal import Principal
from api.limits.cost import OperationCost, measure
from api.limits.document import TokenLimitedParserCache, shape_rules
from api.limits.rate import Allowance, LocalRateLimiter, RateLimiter
from api.limits.text import TextGuard
from api.settings import Settings

NODE_LIMIT_EXCEEDED = "NODE_LIMIT_EXCEEDED"
RATE_LIMITED = "RATE_LIMITED"


def config_options(settings: Settings) -> dict[str, Any]:
    """StrawberryConfig options: batches of bounded size, field suggestions only where introspection is on."""
    return {
        "disable_field_suggestions": not settings.introspection_enabled,
        "batching_config": {"max_operations": settings.graphql_max_batch_operations},
    }


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories of the limit extensions; the rules and the rate limiter they share are built once, here."""
    rules = shape_rules(
        max_depth=settings.graphql_max_depth,
        max_aliases=settings.graphql_max_aliases,
        introspection=settings.introspection_enabled,
    )
    limiter = LocalRateLimiter(points_per_minute=settings.rate_limit_points_per_minute)
    return [
        lambda: TokenLimitedParserCache(
            maxsize=settings.graphql_parser_cache_size, max_tokens=settings.graphql_max_tokens
        ),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=settings.graphql_validation_cache_size),
        TextGuard,
        lambda: QueryCostLimiter(max_nodes=settings.graphql_max_nodes, limiter=limiter),
    ]


def rate_key(principal: Principal) -> str | None:
    """Whose budget an operation spends: the API token's, else the user's; None for in-process readers."""
    if principal.api_token_id is not None:
        return f"token:{principal.api_token_id}"
    if principal.user_id is not None:
        return f"user:{principal.user_id}"
    return None


class QueryCostLimiter(SchemaExtension):
    """Measure each operation before it runs; refuse it over the node limit or beyond the caller's points.

    The cost goes into the response's `extensions.cost` ({requestedQueryCost, nodeCount, maximumNodeCount}),
    the caller's budget into `extensions.rateLimit` ({limit, remaining, resetAt: when it is whole again}).
    """

    def __init__(self, *, max_nodes: int, limiter: RateLimiter) -> None:
        self.max_nodes = max_nodes
        self.limiter = limiter
        self.cost: OperationCost | None = None
        self.allowance: Allowance | None = None

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        # An operation an earlier extension (the scope guard) refused already is neither measured nor charged.
        refusal = await self._refusal() if context.result is None else None
        if refusal is not None:
            if context.operation_type is OperationType.SUBSCRIPTION:
                raise refusal  # a subscription does not look at a preset result, but reports what its start raises
            context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield

    async def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        assert context.graphql_document is not None
        try:
            self.cost = measure(
                context.schema._schema,
                context.graphql_document,
                operation_name=context.operation_name,
                variables=context.variables,
            )
        except GraphQLError as error:
            return error
        if self.cost is None:
            return None
        if self.cost.node_count > self.max_nodes:
            return _too_many_nodes(self.cost, self.max_nodes)
        key = rate_key(context.context.principal)
        if key is None:
            return None
        self.allowance = await self.limiter.spend(key, self.cost.points)
        if self.allowance.granted:
            return None
        response = getattr(context.context, "response", None)
        if response is not None and self.allowance.retry_after is not None:
            response.headers["Retry-After"] = str(math.ceil(self.allowance.retry_after))
        return _rate_limited(self.cost, self.allowance)

    def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        if self.cost is not None:
            results["cost"] = {
                "requestedQueryCost": self.cost.points,
                "nodeCount": self.cost.node_count,
                "maximumNodeCount": self.max_nodes,
            }
        if self.allowance is not None:
            reset_at = datetime.now(UTC) + timedelta(seconds=math.ceil(self.allowance.full_in))
            results["rateLimit"] = {
                "limit": self.allowance.limit,
                "remaining": self.allowance.remaining,
                "resetAt": reset_at.replace(microsecond=0).isoformat(),
            }
        return results


def _too_many_nodes(cost: OperationCost, max_nodes: int) -> GraphQLError:
    return GraphQLError(
        f"This operation could return up to {cost.node_count:,} nodes, more than the limit of {max_nodes:,}: "
        "ask for smaller pages (`first`/`last`) or fewer nested connections.",
        extensions={"code": NODE_LIMIT_EXCEEDED, "nodeCount": cost.node_count, "maximumNodeCount": max_nodes},
    )


def _rate_limited(cost: OperationCost, allowance: Allowance) -> GraphQLError:
    if allowance.retry_after is None:
        return GraphQLError(
            f"This operation costs {cost.points} points, more than the {allowance.limit} points per minute "
            "allowed: ask for smaller pages or fewer nested connections.",
            extensions={"code": RATE_LIMITED, "cost": cost.points, "limit": allowance.limit},
        )
    retry_after = math.ceil(allowance.retry_after)
    return GraphQLError(
        f"Rate limit exceeded: this operation costs {cost.points} points and {allowance.remaining} of your "
        f"{allowance.limit} points per minute are left; retry in {retry_after} seconds.",
        extensions={
            "code": RATE_LIMITED,
            "retryAfter": retry_after,
            "cost": cost.points,
            "remaining": allowance.remaining,
            "limit": allowance.limit,
        },
    )
