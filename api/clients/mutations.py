"""Mutations on clients."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.clients import service as client_service
from api.clients.types import Client, ClientSector
from api.kit.mutations import UserError, attempt, id_of


@strawberry.input(description="A new client organization.")
class CreateClientInput:
    slug: str
    name: str
    sector: ClientSector | None = None


@strawberry.input(description="Changes to a client; omitted fields stay as they are.")
class UpdateClientInput:
    id: relay.GlobalID
    name: str | None = None
    sector: ClientSector | None = None


@strawberry.type
class ClientPayload:
    client: Client | None
    user_errors: list[UserError]


@strawberry.type
class ClientMutations:
    @strawberry.mutation(description="Create a client and its microsite settings (PMO staff).")
    async def create_client(self, info: Info, input: CreateClientInput) -> ClientPayload:
        context = info.context
        row, errors = await attempt(context.session, client_service.create_client, principal=context.principal,
                                    slug=input.slug, name=input.name, sector=input.sector)
        return ClientPayload(client=Client.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Change a client's name or sector (PMO staff).")
    async def update_client(self, info: Info, input: UpdateClientInput) -> ClientPayload:
        context = info.context
        changes = client_service.ClientChanges(name=input.name, sector=input.sector)

        row, errors = await attempt(context.session, client_service.update_client, principal=context.principal,
                                    client_id=id_of(input.id, "Client", field="id"), changes=changes)
        return ClientPayload(client=Client.from_model(row) if row else None, user_errors=errors)
