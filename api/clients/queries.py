"""Root query fields for clients."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.clients import service as client_service
from api.clients.types import Client
from api.kit.connections import Connection, paged
from api.kit.pagination import PageRequest


@strawberry.type
class ClientQueries:
    @strawberry.field(description="Clients the viewer may see, ordered by name.")
    @paged
    async def clients(
        self,
        info: Info,
        page: PageRequest,
        search: str | None = None,
    ) -> Connection[Client]:
        found = await client_service.list_clients(
            info.context.session,
            principal=info.context.principal,
            page=page,
            search=search,
        )
        return Connection.from_page(found, Client.from_model)

    @strawberry.field(description="The client with this slug, or null when it does not exist or is not visible.")
    async def client(self, info: Info, slug: str) -> Client | None:
        row = await client_service.get_client_by_slug(info.context.session, principal=info.context.principal, slug=slug)
        return Client.from_model(row) if row else None
