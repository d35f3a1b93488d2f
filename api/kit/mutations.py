"""The mutation convention: one input, a payload with the object and typed userErrors."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.kit.errors import DomainError, ValidationFailed

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


async def attempt(session: AsyncSession, work: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Run `work` in a savepoint: its result, or nothing changed and the userErrors saying why."""
    try:
        async with session.begin_nested():
            return await work(), []
    except DomainError as error:
        return None, user_errors(error)
