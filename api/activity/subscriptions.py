"""Live activity over graphql-transport-ws: replay after a cursor, then each new item as it is recorded."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.activity.live import follow_activity
from api.activity.types import Activity
from api.http import check_again
from api.kit.errors import InvalidInput, Unauthenticated
from api.kit.ids import database_id, optional_node_id
from api.kit.pagination import cursor_values

TOKEN_ENDED = 4403
AFTER_HELP = ("The `id` of the last Activity received (or a cursor of the activity connection): what came after "
              "it is sent first, oldest first, then what happens from then on. Without it, only what happens next.")


def _after_id(after: str | None) -> int | None:
    """The activity id an `after` argument names: an Activity's global id, or a cursor of its connection."""
    if after is None:
        return None
    try:
        global_id = relay.GlobalID.from_id(after)
    except ValueError:
        global_id = None
    if global_id is not None and global_id.type_name == "Activity":
        pk = database_id(global_id.node_id)
    else:
        raw = cursor_values(after, field="after")[-1]
        pk = raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0 else None
    if pk is None:
        raise InvalidInput("`after` must be the id of an Activity or a cursor of the activity connection",
                           field="after")
    return pk


async def _stream(info: Info, *, client_id: int | None, project_id: int | None,
                  after: str | None) -> AsyncGenerator[Activity, None]:
    context = info.context
    settings = context.settings

    async def authenticate():  # noqa: ANN202
        return await check_again(context.session, settings=settings, authorization=context.authorization)

    items = follow_activity(context.session, live=context.live, principal=context.principal,
                            authenticate=authenticate, token=context.authorization, after_id=_after_id(after),
                            client_id=client_id, project_id=project_id, recheck_seconds=settings.ws_recheck_seconds)
    try:
        async for principal, row in items:
            context.forget_loaded(principal)
            yield Activity.from_model(row)
    except Unauthenticated:
        # The socket's token no longer holds: every operation on it ends, as graphql-transport-ws closes with 4403.
        await context.request.close(code=TOKEN_ENDED, reason="Forbidden: the token has expired or was revoked")
    finally:
        await items.aclose()


@strawberry.type
class ActivitySubscriptions:
    @strawberry.subscription(description="Activity on one project as it happens, for the viewer's eyes only.")
    async def project_activity(self, info: Info, project_id: relay.GlobalID,
                               after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
                               ) -> AsyncGenerator[Activity, None]:
        pk = optional_node_id(project_id, "Project", field="projectId")
        async for item in _stream(info, client_id=None, project_id=pk, after=after):
            yield item

    @strawberry.subscription(description="Activity on one client's projects (or, without clientId, on every "
                                         "project the viewer may see) as it happens.")
    async def client_activity(self, info: Info, client_id: relay.GlobalID | None = None,
                              after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
                              ) -> AsyncGenerator[Activity, None]:
        pk = optional_node_id(client_id, "Client", field="clientId")
        async for item in _stream(info, client_id=pk, project_id=None, after=after):
            yield item
