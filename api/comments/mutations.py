"""Mutations on comments."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.activity.types import Audience
from api.comments import service as comment_service
from api.comments.models import SUBJECT_TYPES
from api.comments.types import Comment
from api.kit.errors import InvalidInput
from api.kit.ids import database_id
from api.kit.mutations import UserError, attempt, id_of, later


@strawberry.input(description="A comment on a milestone, risk or status report. CLIENT: the client, PMO staff and "
                              "the project's subcontractors read it; TEAM: PMO staff and subcontractors; PMO: staff.")
class AddCommentInput:
    subject_id: relay.GlobalID = strawberry.field(description="The id of a Milestone, Risk or StatusReport.")
    body: str = strawberry.field(description="Plain text, up to 5,000 characters; @email names a person who can "
                                             "read it, and mails them.")
    audience: Audience


@strawberry.input(description="New words for one's own comment; the old ones are kept in its history.")
class EditCommentInput:
    id: relay.GlobalID
    body: str


@strawberry.input(description="A comment to delete (its author, or PMO staff).")
class DeleteCommentInput:
    id: relay.GlobalID


@strawberry.type
class CommentPayload:
    comment: Comment | None
    user_errors: list[UserError]


def _subject(global_id: relay.GlobalID) -> tuple[str, int]:
    pk = database_id(global_id.node_id)
    if global_id.type_name not in SUBJECT_TYPES or pk is None:
        raise InvalidInput("`subjectId` must be the id of a Milestone, Risk or StatusReport", field="subjectId")
    return global_id.type_name, pk


@strawberry.type
class CommentMutations:
    @strawberry.mutation(description="Comment on a milestone, risk or status report, for an audience you are in.")
    async def add_comment(self, info: Info, input: AddCommentInput) -> CommentPayload:
        context = info.context
        row, errors = await attempt(context.session, comment_service.add_comment, principal=context.principal,
                                    subject=later(_subject, input.subject_id), body=input.body,
                                    audience=input.audience)
        return CommentPayload(comment=Comment.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Change your own comment; what it said is kept in its history.")
    async def edit_comment(self, info: Info, input: EditCommentInput) -> CommentPayload:
        context = info.context
        row, errors = await attempt(context.session, comment_service.edit_comment, principal=context.principal,
                                    comment_id=id_of(input.id, "Comment", field="id"), body=input.body)
        return CommentPayload(comment=Comment.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Delete a comment (its author, or PMO staff): a tombstone stays in its place.")
    async def delete_comment(self, info: Info, input: DeleteCommentInput) -> CommentPayload:
        context = info.context
        row, errors = await attempt(context.session, comment_service.delete_comment, principal=context.principal,
                                    comment_id=id_of(input.id, "Comment", field="id"))
        return CommentPayload(comment=Comment.from_model(row) if row else None, user_errors=errors)
