"""Domain exceptions; the GraphQL layer turns them into userErrors or typed errors."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure a caller can act on."""

    code = "INVALID"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it does."""

    code = "NOT_FOUND"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    """No valid credentials came with the request."""

    code = "UNAUTHENTICATED"


class InvalidInput(DomainError):
    """The input breaks a validation rule."""

    code = "INVALID"


class Conflict(DomainError):
    """The request clashes with the object's state (for example, editing a published report)."""

    code = "CONFLICT"


class ValidationFailed(DomainError):
    """Several fields of one input are invalid; each problem becomes its own userError."""

    code = "INVALID"

    def __init__(self, problems: list[InvalidInput]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class Validator:
    """Collects every problem of one input, then raises them together."""

    def __init__(self) -> None:
        self.problems: list[InvalidInput] = []

    def check(self, condition: bool, field: str, message: str) -> None:
        """Record `message` against `field` unless `condition` holds."""
        if not condition:
            self.problems.append(InvalidInput(message, field=field))

    def raise_if_any(self) -> None:
        """Raise ValidationFailed when any check failed."""
        if self.problems:
            raise ValidationFailed(self.problems)
