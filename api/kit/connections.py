"""The Relay connection type every list in the schema uses."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay

from api.kit.pagination import Page

NodeType = TypeVar("NodeType")


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
