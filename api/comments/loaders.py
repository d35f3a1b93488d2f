"""Per-request DataLoaders for comments, already scoped to the principal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.principal import Principal
from api.comments import service as comment_service
from api.comments.models import Comment, CommentRevision


class CommentLoaders:
    def __init__(self, *, session: AsyncSession, principal: Principal) -> None:
        async def comments(ids: Sequence[int]) -> list[Comment | None]:
            return await comment_service.comments_by_ids(session, principal=principal, ids=ids)

        async def revisions(comment_ids: Sequence[int]) -> list[list[CommentRevision]]:
            return await comment_service.revisions_by_comment(session, comment_ids=comment_ids)

        self.by_id: DataLoader[int, Comment | None] = DataLoader(load_fn=comments)
        self.revisions: DataLoader[int, list[CommentRevision]] = DataLoader(load_fn=revisions)
