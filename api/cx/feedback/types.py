"""GraphQL types for feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.permissions import sees_internal
from api.auth.types import User
from api.cx.feedback import models
from api.cx.metrics import is_detractor
from api.cx.types import Touchpoint, global_id, load_person, resolve_client, resolve_project
from api.kit.nodes import LoadedNode

FeedbackChannel = strawberry.enum(models.FeedbackChannel, name="FeedbackChannel")


@strawberry.type(description="One client response at a touchpoint: CSAT 1-5, NPS 0-10 and CES 1-7, at least one given.")
class Feedback(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    touchpoint: Touchpoint
    csat: int | None
    nps: int | None
    ces: int | None
    comment: str
    pain_points: list[str]
    channel: FeedbackChannel
    submitted_at: datetime
    is_detractor: bool = strawberry.field(description="An NPS of 0-6 or a CSAT of 1-2: someone to follow up with.")
    report_id: relay.GlobalID | None = strawberry.field(description="The status report this response is about.")
    milestone_id: relay.GlobalID | None = strawberry.field(description="The milestone this response is about.")
    project_id: strawberry.Private[int | None]
    client_id: strawberry.Private[int]
    respondent_id: strawberry.Private[int | None]

    project = strawberry.field(resolver=resolve_project, description="The project this response is about, if any.")
    client = strawberry.field(resolver=resolve_client, description="The client who answered.")

    @strawberry.field(description="Who answered: shown to PMO staff only, null for everyone else.")
    async def respondent(self, info: Info) -> User | None:
        if not sees_internal(info.context.principal):
            return None
        return await load_person(info, self.respondent_id)

    @classmethod
    def from_model(cls, feedback: models.Feedback) -> Feedback:
        """The GraphQL view of a feedback row."""
        return cls(
            id=feedback.id,
            touchpoint=feedback.touchpoint,
            csat=feedback.csat,
            nps=feedback.nps,
            ces=feedback.ces,
            comment=feedback.comment,
            pain_points=list(feedback.pain_points or []),
            channel=feedback.channel,
            submitted_at=feedback.submitted_at,
            is_detractor=is_detractor(csat=feedback.csat, nps=feedback.nps),
            report_id=global_id("StatusReport", feedback.report_id),
            milestone_id=global_id("Milestone", feedback.milestone_id),
            project_id=feedback.project_id,
            client_id=feedback.client_id,
            respondent_id=feedback.respondent_id,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.cx.feedback_by_id
