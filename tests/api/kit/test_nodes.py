"""`LoadedNode`: global-id lookups through the request's loader, ids checked first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from strawberry.dataloader import DataLoader

from api.kit.errors import InvalidInput
from api.kit.nodes import LoadedNode


@dataclass
class Row:
    id: int


class Thing(LoadedNode):
    asked: list[list[int]] = []

    def __init__(self, id: int) -> None:
        self.id = id

    @classmethod
    def loader(cls, info: Any) -> DataLoader[int, Any]:
        async def load(ids: list[int]) -> list[Row | None]:
            cls.asked.append(list(ids))
            return [Row(id=pk) if pk % 2 else None for pk in ids]

        return DataLoader(load_fn=load)

    @classmethod
    def from_model(cls, row: Row) -> Thing:
        return cls(row.id)


async def test_nodes_come_back_in_order_with_none_for_rows_not_found() -> None:
    nodes = await Thing.resolve_nodes(info=None, node_ids=["3", "2", "1"])  # type: ignore[arg-type]
    assert [node.id if node else None for node in nodes] == [3, None, 1]
    assert Thing.asked[-1] == [3, 2, 1]


@pytest.mark.parametrize("node_id", ["x", "-1", "0", "1.5", "99999999999"])
async def test_an_id_this_api_could_not_have_issued_is_refused_before_any_lookup(node_id: str) -> None:
    before = len(Thing.asked)
    with pytest.raises(InvalidInput):
        await Thing.resolve_nodes(info=None, node_ids=["1", node_id])  # type: ignore[arg-type]
    assert len(Thing.asked) == before


def test_a_loaded_node_without_a_loader_is_refused_when_defined() -> None:
    with pytest.raises(TypeError, match="without a loader"):
        class Forgetful(LoadedNode):  # noqa: F841 - defining it is the test
            pass
