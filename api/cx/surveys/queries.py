"""Root query fields for survey invitations."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.cx.surveys import service as survey_service
from api.cx.surveys.types import SurveyInvitation
from api.cx.types import Touchpoint
from api.kit.connections import Connection, paged
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest


@strawberry.type
class SurveyQueries:
    @strawberry.field(description="Survey invitations, newest first (PMO staff only; empty for everyone else).")
    @paged
    async def survey_invitations(
        self,
        info: Info,
        page: PageRequest,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        touchpoint: Touchpoint | None = None,
    ) -> Connection[SurveyInvitation]:
        found = await survey_service.list_invitations(
            info.context.session,
            principal=info.context.principal,
            page=page,
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            touchpoint=touchpoint,
        )
        return Connection.from_page(found, SurveyInvitation.from_model)
