"""`node` and `nodes`: global-id lookups that go through each type's own scoped resolver."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.kit.errors import InvalidInput
from api.kit.ids import database_ids

MAX_NODES = 100


def _node_type(info: Info, global_id: relay.GlobalID) -> type[relay.Node] | None:
    definition = info.schema.get_type_by_name(global_id.type_name)
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) and issubclass(origin, relay.Node) else None


async def resolve_node(info: Info, global_id: relay.GlobalID) -> relay.Node | None:
    """The node behind `global_id`, or None when it is unknown or not visible."""
    return (await resolve_nodes(info, [global_id]))[0]


async def resolve_nodes(info: Info, global_ids: list[relay.GlobalID]) -> list[relay.Node | None]:
    """Nodes in the order asked, batched per type; None for anything unknown or not visible."""
    if len(global_ids) > MAX_NODES:
        raise InvalidInput(f"ask for at most {MAX_NODES} ids at once", field="ids")
    by_type: dict[type[relay.Node], list[int]] = defaultdict(list)
    for index, global_id in enumerate(global_ids):
        node_type = _node_type(info, global_id)
        if node_type is not None:
            by_type[node_type].append(index)
    results: list[relay.Node | None] = [None] * len(global_ids)
    for node_type, indexes in by_type.items():
        found = await node_type.resolve_nodes(info=info, node_ids=[global_ids[i].node_id for i in indexes])
        for index, node in zip(indexes, found, strict=True):
            results[index] = node
    return results


class LoadedNode:
    """A node fetched by database id through one of the request's loaders, then mapped by `from_model`.

    Put it before relay.Node in the bases and give the type `loader(info)`, checked when the class is defined;
    `node_of` maps a row (by `from_model`, unless the type says otherwise)."""

    loader: ClassVar[Callable[[Info], DataLoader[int, Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "loader", None)):
            raise TypeError(f"{cls.__name__} is a LoadedNode without a loader(info) classmethod")

    @classmethod
    def node_of(cls, info: Info, row: Any) -> Any:
        return cls.from_model(row)  # type: ignore[attr-defined]

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list[Any]:
        rows = await cls.loader(info).load_many(database_ids(node_ids))
        return [cls.node_of(info, row) if row is not None else None for row in rows]
