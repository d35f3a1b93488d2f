"""GraphQL types for survey invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.types import User
from api.cx.surveys import models
from api.cx.types import Touchpoint, global_id, load_person, resolve_client, resolve_project
from api.kit.nodes import LoadedNode

InvitationTrigger = strawberry.enum(models.InvitationTrigger, name="InvitationTrigger")


@strawberry.type(description="A signed, expiring, limited-use survey link for one touchpoint (PMO staff only).")
class SurveyInvitation(LoadedNode, relay.Node):
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
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.cx.invitation_by_id
