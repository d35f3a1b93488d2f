"""Root query fields for status reports."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.connections import Connection
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest
from api.reports import service as report_service
from api.reports.types import ReportState, StatusReport


@strawberry.type
class ReportQueries:
    @strawberry.field(description="Status reports the viewer may see, newest period first.")
    async def status_reports(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        project_id: relay.GlobalID | None = None,
        state: ReportState | None = None,
    ) -> Connection[StatusReport]:
        page = await report_service.list_reports(
            info.context.session,
            principal=info.context.principal,
            page=PageRequest(first=first, after=after, last=last, before=before),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            state=state,
        )
        return Connection.from_page(page, StatusReport.from_model)
