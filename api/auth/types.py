"""GraphQL types for the viewer, their memberships and integrators' API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth import api_tokens as api_token_service
from api.auth import models
from api.auth import scopes as token_scopes
from api.delivery.types import NotificationPreferences, viewer_notification_preferences
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.nodes import LoadedNode
from api.kit.pagination import PageRequest
from api.organizations.models import OrganizationKind as OrganizationKindModel

if TYPE_CHECKING:
    from api.clients.types import Client

Role = strawberry.enum(models.Role, name="Role")
OrganizationKind = strawberry.enum(OrganizationKindModel, name="OrganizationKind")


@strawberry.enum(description="What an API token may run: READ runs queries and subscriptions, WRITE mutations too.")
class ApiTokenScope(enum.Enum):
    READ = token_scopes.READ
    WRITE = token_scopes.WRITE


@strawberry.type(description="A person who signs in to Rapport.")
class User:
    name: str
    email: str
    title: str | None


@strawberry.type(description="A role the viewer holds in one organization.")
class Membership:
    organization_slug: str
    organization_name: str
    organization_kind: OrganizationKind
    role: Role


@strawberry.type(description="An integrator's API token; the token itself is shown once, when it is created.")
class ApiToken(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    name: str
    role: Role
    scopes: list[ApiTokenScope]
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = strawberry.field(description="Noted at most once a minute.")
    created_at: datetime
    organization_id: strawberry.Private[int]

    @strawberry.field(description="The client the token acts for; null for a PMO or subcontractor token.")
    async def client(self, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:
        from api.clients.types import Client

        row = await info.context.clients.by_id.load(self.organization_id)
        return Client.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: models.ApiToken) -> ApiToken:
        """The GraphQL view of an API token row (never its hash)."""
        return cls(
            id=row.id,
            name=row.name,
            role=row.role,
            scopes=[ApiTokenScope(scope) for scope in row.scopes],
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            last_used_at=row.last_used_at,
            created_at=row.created_at,
            organization_id=row.organization_id,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.api_tokens.by_id


@strawberry.type(description="Who is asking, and with which roles.")
class Viewer:
    user: User | None
    memberships: list[Membership]
    is_pmo_staff: bool
    notification_preferences: list[NotificationPreferences] = strawberry.field(
        resolver=viewer_notification_preferences,
        description="Which notices you receive by email, per client whose notices reach you.")

    @strawberry.field(description="API tokens the viewer may manage (a PMO admin: all; a client executive: "
                                  "their client's), oldest first, optionally those of one client.")
    @paged
    async def api_tokens(
        self,
        info: Info,
        page: PageRequest,
        organization_id: relay.GlobalID | None = None,
    ) -> Connection[ApiToken]:
        found = await api_token_service.list_api_tokens(
            info.context.session,
            principal=info.context.principal,
            page=page,
            organization_id=optional_node_id(organization_id, "Client", field="organizationId"),
        )
        return Connection.from_page(found, ApiToken.from_model)
