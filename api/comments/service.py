"""Comments: who may post to which audience, plain-text bodies, edits with history, tombstones, and mentions."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.activity.models import Audience
from api.auth.models import User
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.auth.service import principal_for_user
from api.changes.events import record_event
from api.comments.events import CommentChanged
from api.comments.models import SUBJECT_TYPES, Comment, CommentRevision
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from api.kit.pagination import Page, PageRequest, paginate_children
from api.projects import service as project_service
from api.projects.models import Milestone, Project, Risk, Visibility
from api.reports.models import ReportState, StatusReport

MAX_BODY = 5000
COMMENT_ORDER = [Comment.created_at, Comment.id]
# "@pat@example.org" names Pat; the address ends before spaces and closing punctuation.
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_SUBJECTS = {"Milestone": Milestone, "Risk": Risk, "StatusReport": StatusReport}
_WIDTH = {Audience.PMO: 0, Audience.TEAM: 1, Audience.CLIENT: 2}


def _clean_body(body: str) -> str:
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InvalidInput("a comment needs some text", field="body")
    if len(text) > MAX_BODY:
        raise InvalidInput(f"a comment holds at most {MAX_BODY} characters (this one has {len(text)})",
                           field="body")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidInput("a comment is plain text: control characters are refused", field="body")
    return text


async def _subject(session: AsyncSession, principal: Principal, subject_type: str,
                   subject_id: int) -> Milestone | Risk | StatusReport:
    entity = _SUBJECTS.get(subject_type)
    found = None if entity is None else await session.scalar(
        scoped(select(entity), entity, principal).where(entity.id == subject_id))
    if found is None:
        raise NotFound("no such milestone, risk or status report", field="subjectId")
    return found


def _widest(subject: Milestone | Risk | StatusReport) -> Audience:
    """A comment reaches no one its subject hides from: an internal risk or a draft report is PMO staff's only."""
    if isinstance(subject, Risk) and subject.visibility is not Visibility.CLIENT:
        return Audience.PMO
    if isinstance(subject, StatusReport) and subject.state is not ReportState.PUBLISHED:
        return Audience.PMO
    return Audience.CLIENT


async def audiences_for(session: AsyncSession, *, principal: Principal, project: Project) -> set[Audience]:
    """The audiences `principal` may post to on `project`: the ones that let them read what they write."""
    if principal.is_pmo_staff:
        return set(Audience)
    allowed: set[Audience] = set()
    if project.client_id in principal.client_ids:
        allowed.add(Audience.CLIENT)
    if await project_service.is_assigned(session, principal, project_id=project.id):
        allowed |= {Audience.CLIENT, Audience.TEAM}
    return allowed


async def _mentioned(session: AsyncSession, body: str, *, besides: str = "") -> list[int]:
    """The active people a body names with @email, leaving out those `besides` (an earlier version) named."""
    earlier = {address.lower() for address in MENTION.findall(besides)}
    addresses = {address.lower() for address in MENTION.findall(body)} - earlier
    if not addresses:
        return []
    return sorted(await session.scalars(select(User.id).where(func.lower(User.email).in_(addresses),
                                                              User.is_active.is_(True))))


def _require_person(principal: Principal) -> int:
    if principal.user_id is None:
        raise Forbidden("comments are written by people: sign in as yourself")
    return principal.user_id


async def add_comment(session: AsyncSession, *, principal: Principal, subject: tuple[str, int], body: str,
                      audience: Audience) -> Comment:
    """Post a comment on a milestone, risk or status report (`subject`: its type and id), for an audience the
    author belongs to."""
    author = _require_person(principal)
    subject_type, subject_id = subject
    found = await _subject(session, principal, subject_type, subject_id)
    text = _clean_body(body)
    project = await session.get(Project, found.project_id)
    assert project is not None
    allowed = await audiences_for(session, principal=principal, project=project)
    if audience not in allowed:
        choices = ", ".join(sorted(a.value for a in allowed))
        raise Forbidden(f"you may post for {choices} only", field="audience")
    if _WIDTH[audience] > _WIDTH[_widest(found)]:
        raise InvalidInput("what this comment is on is for PMO staff only: its comments are too", field="audience")
    now = utcnow()
    comment = Comment(client_id=project.client_id, project_id=project.id, subject_type=subject_type,
                      subject_id=found.id, audience=audience, author_user_id=author, body=text, created_at=now)
    session.add(comment)
    await session.flush()
    record_event(session, CommentChanged(client_id=project.client_id, actor_user_id=author, comment_id=comment.id,
                                         project_id=project.id, happened="added",
                                         mentioned_user_ids=await _mentioned(session, text)), occurred_at=now)
    return comment


async def _own_comment(session: AsyncSession, principal: Principal, comment_id: int) -> Comment:
    comment = await session.scalar(scoped(select(Comment), Comment, principal).where(Comment.id == comment_id)
                                   .with_for_update())
    if comment is None:
        raise NotFound("no such comment", field="id")
    if comment.deleted_at is not None:
        raise InvalidInput("this comment was deleted", field="id")
    return comment


async def edit_comment(session: AsyncSession, *, principal: Principal, comment_id: int, body: str) -> Comment:
    """Change one's own comment; what it said before is kept in its history."""
    author = _require_person(principal)
    comment = await _own_comment(session, principal, comment_id)
    if comment.author_user_id != author:
        raise Forbidden("only its author may edit a comment", field="id")
    text = _clean_body(body)
    if text == comment.body:
        return comment
    now = utcnow()
    session.add(CommentRevision(comment_id=comment.id, body=comment.body,
                                written_at=comment.edited_at or comment.created_at, replaced_at=now))
    mentioned = await _mentioned(session, text, besides=comment.body)
    comment.body, comment.edited_at = text, now
    await session.flush()
    record_event(session, CommentChanged(client_id=comment.client_id, actor_user_id=author, comment_id=comment.id,
                                         project_id=comment.project_id, happened="edited",
                                         mentioned_user_ids=mentioned), occurred_at=now)
    return comment


async def delete_comment(session: AsyncSession, *, principal: Principal, comment_id: int) -> Comment:
    """Delete a comment (its author, or PMO staff moderating): a tombstone stays, its words and history go."""
    person = _require_person(principal)
    comment = await _own_comment(session, principal, comment_id)
    if comment.author_user_id != person and not principal.is_pmo_staff:
        raise Forbidden("only its author or PMO staff may delete a comment", field="id")
    now = utcnow()
    await session.execute(delete(CommentRevision).where(CommentRevision.comment_id == comment.id))
    comment.body, comment.deleted_at = "", now
    await session.flush()
    record_event(session, CommentChanged(client_id=comment.client_id, actor_user_id=person, comment_id=comment.id,
                                         project_id=comment.project_id, happened="deleted", mentioned_user_ids=[]),
                 occurred_at=now)
    return comment


async def readers_among(session: AsyncSession, *, comment_id: int, user_ids: Sequence[int]) -> list[int]:
    """Those of `user_ids` who may read the comment now, each under their own principal."""
    readers = []
    for user_id in user_ids:
        try:
            principal = await principal_for_user(session, user_id=user_id)
        except Unauthenticated:
            continue
        if (await comments_by_ids(session, principal=principal, ids=[comment_id]))[0] is not None:
            readers.append(user_id)
    return readers


async def comments_by_ids(session: AsyncSession, *, principal: Principal, ids: Sequence[int]) -> list[Comment | None]:
    return in_order(await session.scalars(scoped(select(Comment), Comment, principal).where(Comment.id.in_(ids))),
                    ids)


async def comment_pages_by_subject(session: AsyncSession, *, principal: Principal, subject_type: str,
                                   subject_ids: Sequence[int], page: PageRequest) -> list[Page[Comment]]:
    """One page of each subject's comments the principal may see, oldest first, in one query."""
    assert subject_type in SUBJECT_TYPES
    statement = scoped(select(Comment), Comment, principal).where(Comment.subject_type == subject_type)
    return await paginate_children(session, statement, entity=Comment, parent=Comment.subject_id,
                                   parent_ids=subject_ids, key=COMMENT_ORDER, page=page)


async def revisions_by_comment(session: AsyncSession, *, comment_ids: Sequence[int]) -> list[list[CommentRevision]]:
    """Each comment's earlier versions, oldest first (the comments were read under the viewer's scope)."""
    rows = await session.scalars(select(CommentRevision).where(CommentRevision.comment_id.in_(comment_ids))
                                 .order_by(CommentRevision.id))
    grouped: dict[int, list[CommentRevision]] = {comment_id: [] for comment_id in comment_ids}
    for row in rows:
        grouped[row.comment_id].append(row)
    return [grouped[comment_id] for comment_id in comment_ids]
