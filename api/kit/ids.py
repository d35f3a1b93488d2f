"""Global ID parsing for arguments that name one type of node."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry import relay

from api.kit.errors import InvalidInput

MAX_DATABASE_ID = 2**31 - 1  # the integer primary keys of every table
NOT_AN_ID = "an argument is not a valid id of this API"


def database_id(node_id: str) -> int | None:
    """The database id a global id's node part names: ASCII digits, within the key range; else None."""
    if not (node_id.isascii() and node_id.isdigit()) or len(node_id) > len(str(MAX_DATABASE_ID)):
        return None
    value = int(node_id)
    return value if 0 < value <= MAX_DATABASE_ID else None


def database_ids(node_ids: Iterable[str]) -> list[int]:
    """The database ids of a node lookup, or InvalidInput when one is not an id this API could have issued."""
    ids = [database_id(node_id) for node_id in node_ids]
    if None in ids:
        raise InvalidInput(NOT_AN_ID)
    return ids  # type: ignore[return-value]


def optional_node_id(global_id: relay.GlobalID | None, type_name: str, *, field: str) -> int | None:
    """The database id inside `global_id`, which must be the id of a `type_name`."""
    if global_id is None:
        return None
    pk = database_id(global_id.node_id)
    if global_id.type_name != type_name or pk is None:
        raise InvalidInput(f"`{field}` must be the id of a {type_name}", field=field)
    return pk
