"""Root query fields for status reports."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest
from api.reports import service as report_service
from api.reports.types import ReportState, StatusReport


@strawberry.type
class ReportQueries:
    @strawberry.field(description="Status reports the viewer may see, newest period first.")
    @paged
    async def status_reports(
        self,
        info: Info,
        page: PageRequest,
        project_id: relay.GlobalID | None = None,
        state: ReportState | None = None,
    ) -> Connection[StatusReport]:
        found = await report_service.list_reports(
            info.context.session,
            principal=info.context.principal,
            page=page,
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            state=state,
        )
        return Connection.from_page(found, StatusReport.from_model)
