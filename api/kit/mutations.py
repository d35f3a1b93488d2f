"""The mutation convention: one input, a payload with the object and typed userErrors."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.kit.errors import DomainError, ValidationFailed
from api.kit.ids import optional_node_id

T = TypeVar("T")


@strawberry.enum(description="Why a mutation refused its input.")
class UserErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    UNAUTHENTICATED = "UNAUTHENTICATED"


@strawberry.type(description="An expected failure of a mutation: which input field, what is wrong, and a code.")
class UserError:
    field: list[str] | None
    message: str
    code: UserErrorCode


def user_errors(error: DomainError) -> list[UserError]:
    """The userErrors describing a domain error (one per problem for a ValidationFailed)."""
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    return [
        UserError(
            field=["input", problem.field] if problem.field else None,
            message=problem.message,
            code=UserErrorCode(problem.code),
        )
        for problem in problems
    ]


@dataclass(frozen=True)
class Later:
    """An argument of `attempt` computed inside it (see `later`)."""

    compute: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def later(compute: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """An argument `attempt` computes as `compute(*args, **kwargs)` before it runs its function, so an input that
    does not parse (an id of the wrong type, say) is a userError like any other refusal."""
    return Later(compute, args, kwargs)


def id_of(global_id: Any, type_name: str, *, field: str) -> Any:
    """The database id inside `global_id` (a `type_name`'s), read inside `attempt`: a wrong id is a userError."""
    return later(optional_node_id, global_id, type_name, field=field)


async def attempt(session: AsyncSession, fn: Callable[..., Awaitable[T]], /,
                  **kwargs: Any) -> tuple[T | None, list[UserError]]:
    """Run `fn(session, **kwargs)` in a savepoint: its result, or nothing changed and the userErrors saying why."""
    try:
        arguments = {name: value.compute(*value.args, **value.kwargs) if isinstance(value, Later) else value
                     for name, value in kwargs.items()}
        async with session.begin_nested():
            return await fn(session, **arguments), []
    except DomainError as error:
        return None, user_errors(error)
