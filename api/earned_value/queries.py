"""Root query fields of earned value."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.earned_value.types import Portfolio, portfolio_of
from api.kit.ids import optional_node_id


@strawberry.type
class EarnedValueQueries:
    @strawberry.field(description="Earned value across every client's projects, or one client's (PMO staff only; "
                                  "null for everyone else). Without asOf, each project is read at today in its "
                                  "client's time zone.")
    async def portfolio(self, info: Info, as_of: date | None = None,
                        client_id: relay.GlobalID | None = None) -> Portfolio | None:
        if not info.context.principal.is_pmo_staff:
            return None
        return await portfolio_of(info, client_id=optional_node_id(client_id, "Client", field="clientId"),
                                  as_of=as_of)
