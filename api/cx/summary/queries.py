"""The root cxSummary field."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.metrics import Granularity as GranularityModel
from api.cx.summary import service as summary_service
from api.cx.summary.types import CxSummary, Granularity
from api.kit.ids import optional_node_id


@strawberry.type
class SummaryQueries:
    @strawberry.field(description="CX metrics over the feedback the viewer may see: portfolio-wide, or for one client "
                                  "or project; by default over the twelve months up to today.")
    async def cx_summary(
        self,
        info: Info,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        granularity: Granularity | None = GranularityModel.MONTH,
    ) -> CxSummary:
        context = info.context
        data = await summary_service.cx_summary(
            context.session,
            principal=context.principal,
            window=summary_service.cx_window(start=from_, end=to),
            minimum=context.settings.cx_minimum_sample,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
        )
        return CxSummary.from_data(data, granularity or GranularityModel.MONTH)
