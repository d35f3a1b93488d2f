"""Domain events of comments."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class CommentChanged(DomainEvent):
    """A comment was added, edited or deleted (`happened`); `mentioned_user_ids` are people it newly names."""

    comment_id: int
    project_id: int
    happened: str  # "added", "edited" or "deleted"
    mentioned_user_ids: list[int]
