"""The scope guard: the one place where an API token's scopes are enforced, before an operation runs."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from api.auth.scopes import require_scope_for
from api.kit.errors import Forbidden


class ScopeGuard(SchemaExtension):
    """Refuse a whole operation whose kind (query, mutation, subscription) the caller's scopes do not allow."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        try:
            require_scope_for(execution.context.principal, execution.operation_type.value)
        except Forbidden as refusal:
            # A result set before execution stands in for it: no resolver runs. Only mutations can be refused
            # (every token holds `read`), and a mutation honours a preset result.
            if execution.result is None:
                execution.result = ExecutionResult(data=None, errors=[GraphQLError(refusal.message, original_error=refusal)])
        yield
