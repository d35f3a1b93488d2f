"""`in_order`: batch lookups answered in the order asked."""

from __future__ import annotations

from dataclasses import dataclass

from api.kit.batches import in_order


@dataclass
class Row:
    id: int
    client_id: int


def test_rows_come_back_in_the_order_of_the_keys_with_none_where_missing() -> None:
    one, two = Row(id=1, client_id=10), Row(id=2, client_id=20)
    assert in_order([two, one], [1, 3, 2, 1]) == [one, None, two, one]


def test_rows_can_be_matched_on_another_attribute() -> None:
    one, two = Row(id=1, client_id=10), Row(id=2, client_id=20)
    assert in_order(iter([one, two]), [20, 10, 30], by="client_id") == [two, one, None]
