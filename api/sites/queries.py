"""Root query fields for site builds."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.auth.permissions import sees_internal
from api.kit.connections import Connection
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest
from api.sites import service as site_service
from api.sites.types import SiteBuild


@strawberry.type
class SiteQueries:
    @strawberry.field(description="Builds of client microsites the viewer may see, oldest first.")
    async def site_builds(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        client_id: relay.GlobalID | None = None,
    ) -> Connection[SiteBuild]:
        context = info.context
        page = await site_service.list_builds(
            context.session,
            principal=context.principal,
            page=PageRequest(first=first, after=after, last=last, before=before),
            client_id=optional_node_id(client_id, "Client", field="clientId"),
        )
        internal = sees_internal(context.principal)
        return Connection.from_page(page, lambda build: SiteBuild.from_model(build, internal=internal))
