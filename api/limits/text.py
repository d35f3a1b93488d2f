"""Text a database can store: no operation runs with the NUL character (U+0000) in a string it was given.

PostgreSQL refuses U+0000 in text, so one check here, over the document's string literals and every variable,
answers it as the caller's mistake instead of a failed write."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

NUL = "\x00"
INVALID = "INVALID"
REFUSED = "Text may not contain the NUL character (U+0000)."


def holds_nul(value: Any) -> bool:
    """Whether a variable's value (JSON: strings, lists and objects, keys included) holds U+0000 anywhere."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    return False


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if NUL in node.value:
            self.nodes.append(node)


class TextGuard(SchemaExtension):
    """Refuse, before execution, an operation whose string literals or variables hold U+0000."""

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        if context.result is None:
            literals = _Literals()
            if context.graphql_document is not None:
                visit(context.graphql_document, literals)
            if literals.nodes or holds_nul(context.variables or {}):
                refusal = GraphQLError(REFUSED, nodes=literals.nodes or None, extensions={"code": INVALID})
                if context.operation_type is OperationType.SUBSCRIPTION:
                    raise refusal  # a subscription reports what its start raises, not a preset result
                context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield
