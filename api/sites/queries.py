"""Root query fields for site builds."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.auth.permissions import sees_internal
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest
from api.sites import service as site_service
from api.sites.types import SiteBuild


@strawberry.type
class SiteQueries:
    @strawberry.field(description="Builds of client microsites the viewer may see, oldest first.")
    @paged
    async def site_builds(
        self,
        info: Info,
        page: PageRequest,
        client_id: relay.GlobalID | None = None,
    ) -> Connection[SiteBuild]:
        context = info.context
        found = await site_service.list_builds(
            context.session,
            principal=context.principal,
            page=page,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
        )
        internal = sees_internal(context.principal)
        return Connection.from_page(found, lambda build: SiteBuild.from_model(build, internal=internal))
