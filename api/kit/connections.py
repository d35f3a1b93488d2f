"""The Relay connection type every list in the schema uses."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay

from api.kit.pagination import Page, PageRequest

NodeType = TypeVar("NodeType")
T = TypeVar("T")

PAGE_ARGUMENTS = tuple(
    inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=annotation)
    for name, annotation in (("first", int | None), ("after", str | None), ("last", int | None),
                             ("before", str | None))
)


@strawberry.type(description="A page of a list, with cursors and the list's total size.")
class Connection(relay.Connection[NodeType], Generic[NodeType]):
    _page: strawberry.Private[Page[Any]]

    @strawberry.field(description="How many items the whole list holds.")
    async def total_count(self) -> int:
        return await self._page.total_count()

    @classmethod
    def from_page(cls, page: Page[Any], node: Any) -> Connection[Any]:
        """A connection of `page`, each row mapped to its GraphQL type by `node`."""
        edges = [relay.Edge(cursor=cursor, node=node(item)) for item, cursor in zip(page.items, page.cursors, strict=True)]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            _page=page,
        )


def paged(resolver: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """`resolver` with the Relay arguments first/after/last/before in place of its `page: PageRequest` parameter,
    which it receives built (and checked) from them. Put it under `@strawberry.field`."""
    signature = inspect.signature(resolver)
    if "page" not in signature.parameters:
        raise TypeError(f"{resolver.__qualname__} takes no `page` parameter")
    parameters = [argument for parameter in signature.parameters.values()
                  for argument in (PAGE_ARGUMENTS if parameter.name == "page" else (parameter,))]

    @functools.wraps(resolver)
    async def with_page(*args: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                        before: str | None = None, **kwargs: Any) -> T:
        page = PageRequest(first=first, after=after, last=last, before=before)
        return await resolver(*args, page=page, **kwargs)

    with_page.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return with_page
