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
