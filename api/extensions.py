"""Schema extensions: the request's unit of work and the error policy."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError, InvalidGlobalIDError

from api.kit.errors import DomainError, InvalidInput

# Apollo's convention, which clients and tools read as "the request was wrong", beside our own code.
CALLERS_FAULT = {"classification": "BAD_USER_INPUT"}

logger = logging.getLogger("rapport.api")


class UnitOfWork(SchemaExtension):
    """Commit the operation's session when it succeeded; roll it back otherwise."""

    async def on_operation(self) -> Iterator[None]:  # type: ignore[override]
        yield
        session = self.execution_context.context.session
        result = self.execution_context.result
        failed = result is None or any(_is_unexpected(error) for error in result.errors or [])
        if failed:
            await session.rollback()
        else:
            await session.commit()


class ErrorPolicy(SchemaExtension):
    """Domain errors keep their message and carry a code; anything else is masked and logged."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = self.execution_context.context.request_id
        result.errors = [_render(error, request_id) for error in result.errors]


def _is_unexpected(error: GraphQLError) -> bool:
    return error.original_error is not None and not isinstance(_as_domain_error(error.original_error), DomainError)


def _as_domain_error(original: Exception) -> Exception:
    if isinstance(original, GlobalIDValueError | InvalidGlobalIDError):
        return InvalidInput("an argument is not a valid id of this API")
    return original


def _render(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    if original is None:
        if error.extensions and error.extensions.get("code") and "classification" not in error.extensions:
            error.extensions = {**error.extensions, **CALLERS_FAULT}  # refused before execution: a limit or rule
        return error
    original = _as_domain_error(original)
    if isinstance(original, DomainError):
        extensions = {"code": original.code, **({"field": original.field} if original.field else {}), **CALLERS_FAULT}
        return GraphQLError(original.message, nodes=error.nodes, path=error.path, extensions=extensions)
    logger.error("unexpected error in GraphQL operation (request %s)", request_id, exc_info=original)
    return GraphQLError(
        f"Internal server error (request {request_id})",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL", "requestId": request_id},
    )
