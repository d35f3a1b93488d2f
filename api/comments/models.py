"""Comments: a person's plain-text note on a milestone, risk or status report, for one audience, with its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.activity.models import Audience
from api.kit.columns import UTCDateTime, enum_column
from api.kit.database import Base

SUBJECT_TYPES = ("Milestone", "Risk", "StatusReport")


class Comment(Base):
    """One comment. Deleting it leaves a tombstone: the row stays (the conversation keeps its shape), the words go."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))  # the GraphQL type of what it is on
    subject_id: Mapped[int] = mapped_column()
    audience: Mapped[Audience] = mapped_column(enum_column(Audience))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)  # empty once deleted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CommentRevision(Base):
    """What a comment said before one of its author's edits."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when these words were posted or last edited
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime())
