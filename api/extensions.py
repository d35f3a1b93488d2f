"""Schema extensions: the request's unit of work and the error policy."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError, InvalidGlobalIDError
from strawberry.types.execution import StreamExecutionResult
from strawberry.types.graphql import OperationType

from api.auth.backstop import acting_as
from api.context import SocketContext
from api.kit.database import reading
from api.kit.errors import DomainError, InvalidInput
from api.kit.ids import NOT_AN_ID

# Apollo's convention, which clients and tools read as "the request was wrong", beside our own code.
CALLERS_FAULT = {"classification": "BAD_USER_INPUT"}
INTERNAL = "INTERNAL"

logger = logging.getLogger("rapport.api")


class UnitOfWork(SchemaExtension):
    """One unit of work per operation: commit it when it succeeded, roll it back otherwise.

    An HTTP request's context carries its session. A WebSocket runs several operations at once, so each
    opens a session and a Context of its own here, and commits before each of its results is sent.
    """

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        execution = self.execution_context
        if isinstance(execution.context, SocketContext):
            async with execution.context.session_factory() as session:
                execution.context = execution.context.operation_context(session)
                with acting_as(session, execution.context.principal):
                    yield
            return
        with acting_as(execution.context.session, execution.context.principal):
            yield
        await _finish(execution.context.session, execution.result)

    def on_execute(self) -> Iterator[None]:
        # A query or subscription only reads: on SQLite it then takes no write lock (api/kit/database.py).
        with reading(self.execution_context.operation_type is not OperationType.MUTATION):
            yield

    async def on_stream_result(self, result: StreamExecutionResult) -> None:  # type: ignore[override]
        await _finish(self.execution_context.context.session, result)


class ErrorPolicy(SchemaExtension):
    """Domain errors keep their message and carry a code; anything else is masked and logged.

    Over HTTP the result is rendered once the operation ends; over WebSocket each result before it is sent.
    """

    def on_operation(self) -> Iterator[None]:
        self._streamed = False
        yield
        if not self._streamed:
            self._render_errors(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> None:  # type: ignore[override]
        self._streamed = True
        self._render_errors(result)

    def _render_errors(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            request_id = self.execution_context.context.request_id
            result.errors = [_render(error, request_id) for error in errors]  # type: ignore[attr-defined]


async def _finish(session: AsyncSession, result: object) -> None:
    errors = getattr(result, "errors", None) or []
    if result is None or any(_is_unexpected(error) for error in errors):
        await session.rollback()
    else:
        await session.commit()


def _is_unexpected(error: GraphQLError) -> bool:
    if error.original_error is None:  # already rendered (a streamed result): masked means unexpected
        return bool(error.extensions) and error.extensions.get("code") == INTERNAL
    return not isinstance(_as_domain_error(error), DomainError)


def _as_domain_error(error: GraphQLError) -> Exception | None:
    original = error.original_error
    if isinstance(original, GlobalIDValueError | InvalidGlobalIDError):
        return InvalidInput(NOT_AN_ID)
    if isinstance(original, GraphQLError):  # graphql-core refusing a variable's value, e.g. "x" for an Int
        return InvalidInput(error.message)
    return original


def _render(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    if original is None:
        if error.extensions and error.extensions.get("code") and "classification" not in error.extensions:
            error.extensions = {**error.extensions, **CALLERS_FAULT}  # refused before execution: a limit or rule
        return error
    original = _as_domain_error(error)
    if isinstance(original, DomainError):
        extensions = {"code": original.code, **({"field": original.field} if original.field else {}), **CALLERS_FAULT}
        return GraphQLError(original.message, nodes=error.nodes, path=error.path, extensions=extensions)
    logger.error("unexpected error in GraphQL operation (request %s)", request_id, exc_info=original)
    return GraphQLError(
        f"Internal server error (request {request_id})",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": INTERNAL, "requestId": request_id},
    )
