"""GraphQL types for feedback and survey invitations, and the relations every CX record shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.auth.permissions import sees_internal
from api.auth.types import User
from api.feedback import models
from api.feedback.metrics import is_detractor
from api.kit.ids import database_ids
from api.projects.types import Project

if TYPE_CHECKING:
    from api.clients.types import Client

Touchpoint = strawberry.enum(models.Touchpoint, name="Touchpoint")
FeedbackChannel = strawberry.enum(models.FeedbackChannel, name="FeedbackChannel")
InvitationTrigger = strawberry.enum(models.InvitationTrigger, name="InvitationTrigger")
ActionItemStatus = strawberry.enum(models.ActionItemStatus, name="ActionItemStatus")


async def resolve_project(root: Any, info: Info) -> Project | None:
    """The record's project, when it names one the viewer may see."""
    if root.project_id is None:
        return None
    row = await info.context.projects.by_id.load(root.project_id)
    return Project.from_model(row) if row else None


async def resolve_client(root: Any, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")]:
    """The client the record belongs to."""
    from api.clients.types import Client

    row = await info.context.clients.by_id.load(root.client_id)
    return Client.from_model(row)


async def load_person(info: Info, user_id: int | None) -> User | None:
    """The person with `user_id`, through the request's loader."""
    if user_id is None:
        return None
    row = await info.context.feedback.person_by_id.load(user_id)
    return User(name=row.name, email=row.email, title=row.title) if row else None


def global_id(type_name: str, pk: int | None) -> relay.GlobalID | None:
    """The global id of a `type_name` row, or None without one."""
    return relay.GlobalID(type_name, str(pk)) if pk is not None else None


@strawberry.type(description="One client response at a touchpoint: CSAT 1-5, NPS 0-10 and CES 1-7, at least one given.")
class Feedback(relay.Node):
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
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[Feedback | None]:
        rows = await info.context.feedback.feedback_by_id.load_many(database_ids(node_ids))
        return [cls.from_model(row) if row else None for row in rows]


@strawberry.type(description="A signed, expiring, limited-use survey link for one touchpoint (PMO staff only).")
class SurveyInvitation(relay.Node):
    id: relay.NodeID[int]
    touchpoint: Touchpoint
    trigger: InvitationTrigger
    sent_at: datetime
    expires_at: datetime
    max_uses: int
    uses: int
    responded_at: datetime | None
    report_id: relay.GlobalID | None = strawberry.field(description="The status report the survey asks about.")
    milestone_id: relay.GlobalID | None = strawberry.field(description="The milestone the survey asks about.")
    project_id: strawberry.Private[int | None]
    client_id: strawberry.Private[int]
    contact_id: strawberry.Private[int | None]

    project = strawberry.field(resolver=resolve_project, description="The project the survey asks about, if any.")
    client = strawberry.field(resolver=resolve_client, description="The client whose people are asked.")

    @strawberry.field(description="The person invited, when the link was sent to one.")
    async def contact(self, info: Info) -> User | None:
        return await load_person(info, self.contact_id)

    @classmethod
    def from_model(cls, invitation: models.SurveyInvitation) -> SurveyInvitation:
        """The GraphQL view of a survey invitation row."""
        return cls(
            id=invitation.id,
            touchpoint=invitation.touchpoint,
            trigger=invitation.trigger,
            sent_at=invitation.sent_at,
            expires_at=invitation.expires_at,
            max_uses=invitation.max_uses,
            uses=invitation.uses,
            responded_at=invitation.responded_at,
            report_id=global_id("StatusReport", invitation.report_id),
            milestone_id=global_id("Milestone", invitation.milestone_id),
            project_id=invitation.project_id,
            client_id=invitation.client_id,
            contact_id=invitation.contact_id,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[SurveyInvitation | None]:
        rows = await info.context.feedback.invitation_by_id.load_many(database_ids(node_ids))
        return [cls.from_model(row) if row else None for row in rows]
