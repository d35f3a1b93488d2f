"""GraphQL types every CX record shares: the touchpoint enum and the relations to projects, clients and people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.auth.types import User
from api.cx import models
from api.projects.types import Project

if TYPE_CHECKING:
    from api.clients.types import Client

Touchpoint = strawberry.enum(models.Touchpoint, name="Touchpoint")


async def resolve_project(root: Any, info: Info) -> Project | None:
    """The record's project, when it names one the viewer may see."""
    if root.project_id is None:
        return None
    row = await info.context.projects.by_id.load(root.project_id)
    return Project.from_model(row) if row else None


async def resolve_client(root: Any, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")]:
    """The client the record belongs to."""
    from api.clients.types import Client

    row = await info.context.clients.by_id.load(root.client_id)
    return Client.from_model(row)


async def load_person(info: Info, user_id: int | None) -> User | None:
    """The person with `user_id`, through the request's loader."""
    if user_id is None:
        return None
    row = await info.context.cx.person_by_id.load(user_id)
    return User(name=row.name, email=row.email, title=row.title) if row else None


def global_id(type_name: str, pk: int | None) -> relay.GlobalID | None:
    """The global id of a `type_name` row, or None without one."""
    return relay.GlobalID(type_name, str(pk)) if pk is not None else None
