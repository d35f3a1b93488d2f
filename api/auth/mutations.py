"""Mutations on integrators' API tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.auth import api_tokens as api_token_service
from api.auth.types import ApiToken, ApiTokenScope, Role
from api.kit.mutations import UserError, attempt, id_of


@strawberry.input(description="A new API token: for whom, with which role and scopes, until when (one of "
                              "expiresAt and ttlSeconds).")
class CreateApiTokenInput:
    organization_id: relay.GlobalID = strawberry.field(description="The id of the Client the token acts for.")
    name: str
    role: Role
    scopes: list[ApiTokenScope]
    expires_at: datetime | None = None
    ttl_seconds: int | None = None


@strawberry.input(description="The API token to revoke.")
class RevokeApiTokenInput:
    id: relay.GlobalID


@strawberry.type
class CreateApiTokenPayload:
    api_token: ApiToken | None
    token: str | None = strawberry.field(description="The token itself, shown in this response only: store it now.")
    user_errors: list[UserError]


@strawberry.type
class RevokeApiTokenPayload:
    api_token: ApiToken | None
    user_errors: list[UserError]


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Issue an API token (a PMO admin for any client; a client executive for "
                                     "their own client, with a client role).")
    async def create_api_token(self, info: Info, input: CreateApiTokenInput) -> CreateApiTokenPayload:
        context = info.context
        issued, errors = await attempt(
            context.session, api_token_service.create_api_token, settings=context.settings, principal=context.principal,
            organization_id=id_of(input.organization_id, "Client", field="organizationId"), name=input.name,
            role=input.role, scopes=[scope.value for scope in input.scopes], expires_at=input.expires_at,
            ttl_seconds=input.ttl_seconds)
        if issued is None:
            return CreateApiTokenPayload(api_token=None, token=None, user_errors=errors)
        return CreateApiTokenPayload(api_token=ApiToken.from_model(issued.api_token), token=issued.token,
                                     user_errors=errors)

    @strawberry.mutation(description="Revoke an API token; it is refused from the next request on.")
    async def revoke_api_token(self, info: Info, input: RevokeApiTokenInput) -> RevokeApiTokenPayload:
        context = info.context
        row, errors = await attempt(context.session, api_token_service.revoke_api_token, principal=context.principal,
                                    api_token_id=id_of(input.id, "ApiToken", field="id"))
        return RevokeApiTokenPayload(api_token=ApiToken.from_model(row) if row else None, user_errors=errors)
