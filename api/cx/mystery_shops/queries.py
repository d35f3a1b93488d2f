"""Root query fields for mystery shops."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.mystery_shops import service as mystery_shop_service
from api.cx.mystery_shops.types import MysteryShop
from api.cx.types import Touchpoint
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest


@strawberry.type
class MysteryShopQueries:
    @strawberry.field(description="Mystery shops, most recent first (PMO staff only; empty for everyone else).")
    @paged
    async def mystery_shops(
        self,
        info: Info,
        page: PageRequest,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        touchpoint: Touchpoint | None = None,
    ) -> Connection[MysteryShop]:
        found = await mystery_shop_service.list_mystery_shops(
            info.context.session,
            principal=info.context.principal,
            page=page,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            touchpoint=touchpoint,
        )
        return Connection.from_page(found, MysteryShop.from_model)
