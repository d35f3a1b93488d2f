"""Root query fields for feedback."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.feedback import service as feedback_service
from api.cx.feedback.types import Feedback
from api.cx.types import Touchpoint
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest


@strawberry.type
class FeedbackQueries:
    @strawberry.field(description="Feedback the viewer may see, newest first.")
    @paged
    async def feedback(
        self,
        info: Info,
        page: PageRequest,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        touchpoint: Touchpoint | None = None,
        detractor: Annotated[bool | None, strawberry.argument(
            description="true: only detractors (NPS 0-6 or CSAT 1-2); false: everyone else.")] = None,
    ) -> Connection[Feedback]:
        found = await feedback_service.list_feedback(
            info.context.session,
            principal=info.context.principal,
            page=page,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            touchpoint=touchpoint,
            detractor=detractor,
        )
        return Connection.from_page(found, Feedback.from_model)
