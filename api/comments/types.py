"""GraphQL types of comments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.activity.types import Audience
from api.comments import models
from api.kit.connections import Connection
from api.kit.nodes import LoadedNode, resolve_node
from api.kit.pagination import PageRequest

if TYPE_CHECKING:
    from api.projects.team_types import Person


@strawberry.type(description="What a comment said before one of its author's edits.")
class CommentRevision:
    body: str
    written_at: datetime = strawberry.field(description="When these words were posted, or last edited.")
    replaced_at: datetime


@strawberry.type(description="A person's plain-text note on a milestone, risk or status report, for one audience. "
                             "Render its body as text, never as HTML.")
class Comment(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    audience: Audience
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None = strawberry.field(description="Set once deleted: the body and history are gone.")
    body_text: strawberry.Private[str]
    author_user_id: strawberry.Private[int | None]
    subject_type: strawberry.Private[str]
    subject_id: strawberry.Private[int]

    @strawberry.field(description="The text; null once deleted.")
    def body(self) -> str | None:
        return None if self.deleted_at else self.body_text

    @strawberry.field(description="Earlier versions, oldest first; empty once deleted.")
    async def history(self, info: Info) -> list[CommentRevision]:
        if self.deleted_at:
            return []
        rows = await info.context.comments.revisions.load(self.id)
        return [CommentRevision(body=row.body, written_at=row.written_at, replaced_at=row.replaced_at)
                for row in rows]

    @strawberry.field(description="What it is on: a milestone, risk or status report.")
    async def subject(self, info: Info) -> relay.Node | None:
        return await resolve_node(info, relay.GlobalID(self.subject_type, str(self.subject_id)))

    @strawberry.field(description="Who wrote it; null when the viewer may not see them or they are gone.")
    async def author(self, info: Info) -> Annotated[Person, strawberry.lazy("api.projects.team_types")] | None:
        from api.projects.team_types import person

        return await person(info, user_id=self.author_user_id)

    @classmethod
    def from_model(cls, row: models.Comment) -> Comment:
        return cls(id=row.id, audience=row.audience, created_at=row.created_at, edited_at=row.edited_at,
                   deleted_at=row.deleted_at, body_text=row.body, author_user_id=row.author_user_id,
                   subject_type=row.subject_type, subject_id=row.subject_id)

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.comments.by_id


async def subject_comments(info: Info, *, subject_type: str, subject_id: int,
                           page: PageRequest) -> Connection[Comment]:
    """Milestone.comments, Risk.comments, StatusReport.comments: one page each, batched over the request."""
    from api.comments import service as comment_service

    context = info.context

    async def batch(subject_ids: Any) -> Any:
        return await comment_service.comment_pages_by_subject(context.session, principal=context.principal,
                                                              subject_type=subject_type, subject_ids=subject_ids,
                                                              page=page)

    loaded = await context.page_loader(f"{subject_type}.comments", (page,), batch).load(subject_id)
    return Connection.from_page(loaded, Comment.from_model)
