"""Batched GraphQL requests over HTTP: a bounded number of operations, run one after the other."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException
from starlette.requests import HTTPConnection

from api.limits.bodies import graphql_body

BATCH_LIMIT_EXCEEDED = "BATCH_LIMIT_EXCEEDED"


def batch_guard(max_operations: int) -> Callable[[HTTPConnection], Awaitable[None]]:
    """A dependency of the GraphQL routes that refuses a malformed body, or a batch of more than `max_operations`.

    It runs before authentication and before any operation, so an oversized batch costs no database work.
    """

    async def refuse_oversized_batch(connection: HTTPConnection) -> None:
        body = await graphql_body(connection)  # Starlette keeps the body, for Strawberry to read it again
        if isinstance(body, list) and len(body) > max_operations:
            message = f"A batch may hold at most {max_operations} operations; this one holds {len(body)}."
            extensions = {"code": BATCH_LIMIT_EXCEEDED, "maximumOperations": max_operations, "operations": len(body)}
            raise HTTPException(status_code=400, detail={"errors": [{"message": message, "extensions": extensions}]})

    return refuse_oversized_batch


class SequentialBatches:
    """GraphQL router mixin: a batch's operations run one after the other, not concurrently.

    They share the request's context and database session, and each operation is its own unit of work
    (committed or rolled back when it ends), which concurrent operations on one session cannot be.
    """

    async def execute_operation(  # noqa: PLR0917 - Strawberry's signature
        self, request: Any, request_adapter: Any, request_data: Any, context: Any, root_value: Any, sub_response: Any
    ) -> Any:
        if not isinstance(request_data, list):
            return await super().execute_operation(  # type: ignore[misc]
                request, request_adapter, request_data, context, root_value, sub_response
            )
        return [
            await self.execute_single(  # type: ignore[attr-defined]
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=operation,
            )
            for operation in request_data
        ]
