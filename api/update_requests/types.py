"""GraphQL types of update requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.kit.nodes import LoadedNode
from api.update_requests import models

if TYPE_CHECKING:
    from api.projects.milestone_types import Milestone
    from api.projects.risk_types import Risk
    from api.projects.team_types import Person
    from api.projects.types import Project

UpdateRequestState = strawberry.enum(models.UpdateRequestState, name="UpdateRequestState",
                                     description="OPEN until answered; OVERDUE once past its due date unanswered "
                                                 "(its link still works); ANSWERED; CANCELLED.")


@strawberry.type(description="A request to update exactly these milestones and risks, answered from a signed link.")
class UpdateRequest(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    state: UpdateRequestState
    message: str
    due_date: date
    created_at: datetime
    answered_at: datetime | None
    cancelled_at: datetime | None
    reminded_at: datetime | None = strawberry.field(description="When the recipient was reminded, the day before.")
    project_id: strawberry.Private[int]
    requester_user_id: strawberry.Private[int | None]
    recipient_user_id: strawberry.Private[int]
    answered_by_user_id: strawberry.Private[int | None]

    @strawberry.field(description="The project it is about.")
    async def project(self, info: Info) -> Annotated[Project, strawberry.lazy("api.projects.types")] | None:
        from api.projects.types import Project

        row = await info.context.projects.by_id.load(self.project_id)
        return Project.from_model(row) if row else None

    @strawberry.field(description="Who was asked.")
    async def recipient(self, info: Info) -> Annotated[Person, strawberry.lazy("api.projects.team_types")] | None:
        from api.projects.team_types import person

        return await person(info, user_id=self.recipient_user_id)

    @strawberry.field(description="Who asked.")
    async def requester(self, info: Info) -> Annotated[Person, strawberry.lazy("api.projects.team_types")] | None:
        from api.projects.team_types import person

        return await person(info, user_id=self.requester_user_id)

    @strawberry.field(description="Who answered (the recipient, from the link).")
    async def answered_by(self, info: Info) -> Annotated[Person, strawberry.lazy("api.projects.team_types")] | None:
        from api.projects.team_types import person

        return await person(info, user_id=self.answered_by_user_id)

    @strawberry.field(description="The milestones asked about that the viewer may see.")
    async def milestones(self, info: Info) -> list[Annotated[Milestone, strawberry.lazy(
            "api.projects.milestone_types")]]:
        from api.projects.milestone_types import Milestone

        milestone_ids, _risk_ids = await info.context.update_requests.items.load(self.id)
        rows = await info.context.projects.milestone_by_id.load_many(milestone_ids)
        return [Milestone.from_model(row) for row in rows if row is not None]

    @strawberry.field(description="The risks and issues asked about that the viewer may see.")
    async def risks(self, info: Info) -> list[Annotated[Risk, strawberry.lazy("api.projects.risk_types")]]:
        from api.projects.risk_types import Risk

        _milestone_ids, risk_ids = await info.context.update_requests.items.load(self.id)
        rows = await info.context.projects.risk_by_id.load_many(risk_ids)
        return [Risk.from_model(row) for row in rows if row is not None]

    @classmethod
    def from_model(cls, row: models.UpdateRequest) -> UpdateRequest:
        return cls(id=row.id, state=row.state, message=row.message, due_date=row.due_date, created_at=row.created_at,
                   answered_at=row.answered_at, cancelled_at=row.cancelled_at, reminded_at=row.reminded_at,
                   project_id=row.project_id, requester_user_id=row.requester_user_id,
                   recipient_user_id=row.recipient_user_id, answered_by_user_id=row.answered_by_user_id)

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.update_requests.by_id
