"""The root schema, gathered from every domain's queries."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.extensions import QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from api.auth.queries import AuthQueries
from api.clients.mutations import ClientMutations
from api.clients.queries import ClientQueries
from api.extensions import ErrorPolicy, UnitOfWork
from api.kit.nodes import resolve_node, resolve_nodes
from api.projects.queries import ProjectQueries
from api.settings import Settings


@strawberry.type
class Query(AuthQueries, ClientQueries, ProjectQueries):
    @strawberry.field(description="Any object by its global id, or null when it does not exist or is not visible.")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="Objects by global id, in order, null where missing or not visible.")
    async def nodes(self, info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
        return await resolve_nodes(info, ids)


@strawberry.type
class Mutation(ClientMutations):
    """Every mutation, gathered from the domains."""


def create_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with its limits and policies configured for `settings`."""
    production = settings.production if settings else False
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(relay_max_results=100, disable_field_suggestions=production),
        extensions=[ErrorPolicy, UnitOfWork, lambda: QueryDepthLimiter(max_depth=15)],
    )


schema = create_schema()
