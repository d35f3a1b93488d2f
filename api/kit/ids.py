"""Global ID parsing for arguments that name one type of node."""

from __future__ import annotations

from strawberry import relay

from api.kit.errors import InvalidInput


def optional_node_id(global_id: relay.GlobalID | None, type_name: str, *, field: str) -> int | None:
    """The database id inside `global_id`, which must be the id of a `type_name`."""
    if global_id is None:
        return None
    if global_id.type_name != type_name or not global_id.node_id.isdigit():
        raise InvalidInput(f"`{field}` must be the id of a {type_name}", field=field)
    return int(global_id.node_id)
