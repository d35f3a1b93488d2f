"""Root query fields for feedback, the CX program's records and CX summaries."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.feedback import (
    action_item_service,
    invitation_service,
    mystery_shop_service,
    summary_service,
)
from api.feedback import service as feedback_service
from api.feedback.metrics import Granularity as GranularityModel
from api.feedback.program_types import ActionItem, MysteryShop
from api.feedback.summary_types import CxSummary, Granularity
from api.feedback.types import ActionItemStatus, Feedback, SurveyInvitation, Touchpoint
from api.kit.connections import Connection
from api.kit.ids import optional_node_id
from api.kit.pagination import PageRequest


@strawberry.type
class FeedbackQueries:
    @strawberry.field(description="Feedback the viewer may see, newest first.")
    async def feedback(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        touchpoint: Touchpoint | None = None,
        detractor: Annotated[bool | None, strawberry.argument(
            description="true: only detractors (NPS 0-6 or CSAT 1-2); false: everyone else.")] = None,
    ) -> Connection[Feedback]:
        page = await feedback_service.list_feedback(
            info.context.session,
            principal=info.context.principal,
            page=PageRequest(first=first, after=after, last=last, before=before),
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            touchpoint=touchpoint,
            detractor=detractor,
        )
        return Connection.from_page(page, Feedback.from_model)

    @strawberry.field(description="Survey invitations, newest first (PMO staff only; empty for everyone else).")
    async def survey_invitations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        touchpoint: Touchpoint | None = None,
    ) -> Connection[SurveyInvitation]:
        page = await invitation_service.list_invitations(
            info.context.session,
            principal=info.context.principal,
            page=PageRequest(first=first, after=after, last=last, before=before),
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            touchpoint=touchpoint,
        )
        return Connection.from_page(page, SurveyInvitation.from_model)

    @strawberry.field(description="Action items the viewer may see, newest first; clients see client-visible ones.")
    async def action_items(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        status: ActionItemStatus | None = None,
    ) -> Connection[ActionItem]:
        page = await action_item_service.list_action_items(
            info.context.session,
            principal=info.context.principal,
            page=PageRequest(first=first, after=after, last=last, before=before),
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            status=status,
        )
        return Connection.from_page(page, ActionItem.from_model)

    @strawberry.field(description="Mystery shops, most recent first (PMO staff only; empty for everyone else).")
    async def mystery_shops(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        client_id: relay.GlobalID | None = None,
        project_id: relay.GlobalID | None = None,
        touchpoint: Touchpoint | None = None,
    ) -> Connection[MysteryShop]:
        page = await mystery_shop_service.list_mystery_shops(
            info.context.session,
            principal=info.context.principal,
            page=PageRequest(first=first, after=after, last=last, before=before),
            client_id=optional_node_id(client_id, "Client", field="clientId"),
            project_id=optional_node_id(project_id, "Project", field="projectId"),
            touchpoint=touchpoint,
        )
        return Connection.from_page(page, MysteryShop.from_model)

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
