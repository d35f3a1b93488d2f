"""Activity from events: a line a person can read, for the audience that may read what it is about."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.activity.models import Activity, Audience
from api.auth.models import User
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.comments.models import Comment
from api.kit.batches import in_order
from api.kit.pagination import Page, PageRequest, paginate, paginate_children
from api.projects.models import Milestone, Project, Risk, Visibility
from api.reports.models import StatusReport
from api.update_requests.models import UpdateRequest

ACTIVITY_ORDER = [Activity.occurred_at, Activity.id]
ACTIVITY_ORDER_LOCK = 0x52617070  # "Rapp": the advisory lock that serializes activity writers on PostgreSQL
# What the client never reads about: money (unless shared, which the activity cannot know later) and internals.
PMO_ONLY_FIELDS = frozenset({"budget_at_completion", "actual_cost", "financials_shared", "currency", "manager_id",
                             "earning_rule"})
STATUS_WORDS = {"NOT_STARTED": "not started", "IN_PROGRESS": "in progress", "SUBMITTED": "submitted for acceptance",
                "ACCEPTED": "accepted", "REJECTED": "returned for rework"}


def _words(fields: Sequence[str]) -> str:
    return ", ".join(field.replace("_", " ") for field in sorted(fields))


async def project_line(session: AsyncSession, *, project_id: int, created: bool,
                       fields: Sequence[str]) -> tuple[str, Audience] | None:
    project = await session.get(Project, project_id)
    if project is None:
        return None
    if created:
        return f"Project {project.code} {project.name} was set up", Audience.CLIENT
    shown = [field for field in fields if field not in PMO_ONLY_FIELDS and field != "updated_at"]
    if shown:
        return f"Project {project.code} changed: {_words(shown)}", Audience.CLIENT
    return (f"Project {project.code} changed: {_words(fields)}", Audience.PMO) if fields else None


async def milestone_line(session: AsyncSession, *, milestone_id: int, happened: str, fields: Sequence[str] = (),
                         percent: int | None = None, status: str | None = None) -> tuple[str, Audience] | None:
    """The line of a milestone event; `percent` and `status` are the event's own (by the time it is told, the
    milestone may have moved on)."""
    milestone = await session.get(Milestone, milestone_id)
    if milestone is None:
        return None
    status = status or milestone.status.value
    lines = {
        "created": f"{milestone.name} was planned for {milestone.baseline_date.isoformat()}",
        "progress": f"{milestone.name} is {percent if percent is not None else milestone.percent_complete}% "
                    f"complete ({STATUS_WORDS[status]})",
        "submitted": f"{milestone.name} was submitted for acceptance",
        "decided": f"{milestone.name} was {STATUS_WORDS[status]}",
    }
    if happened not in lines:
        shown = [field for field in fields if field not in PMO_ONLY_FIELDS]
        return (f"{milestone.name} changed: {_words(shown)}", Audience.CLIENT) if shown else None
    return lines[happened], Audience.CLIENT


async def risk_line(session: AsyncSession, *, risk_id: int, created: bool, visibility: str,
                    fields: Sequence[str]) -> tuple[str, Audience] | None:
    risk = await session.get(Risk, risk_id)
    if risk is None:
        return None
    word = "Issue" if risk.kind.value == "ISSUE" else "Risk"
    line = f"{word} raised: {risk.title}" if created else f"{word} updated: {risk.title} ({_words(fields)})"
    return line, Audience.CLIENT if visibility == Visibility.CLIENT.value else Audience.PMO


async def report_line(session: AsyncSession, *, report_id: int) -> tuple[str, Audience] | None:
    report = await session.get(StatusReport, report_id)
    return (f"Status report published: {report.title}", Audience.CLIENT) if report else None


async def comment_line(session: AsyncSession, *, comment_id: int, happened: str) -> tuple[str, Audience] | None:
    """A comment's line names what it is on, never its words: those stay with the comment, which can be deleted."""
    comment = await session.get(Comment, comment_id)
    if comment is None:
        return None
    entity = {"Milestone": Milestone, "Risk": Risk, "StatusReport": StatusReport}[comment.subject_type]
    subject = await session.get(entity, comment.subject_id)
    name = getattr(subject, "name", None) or getattr(subject, "title", "")
    verb = {"added": "Comment on", "edited": "Comment edited on", "deleted": "Comment deleted on"}[happened]
    return f"{verb} {name}", comment.audience


async def update_request_line(session: AsyncSession, *, request_id: int,
                              happened: str) -> tuple[str, Audience] | None:
    """Between the PMO and the person asked, and the subcontractors on the project: never the client's."""
    request = await session.get(UpdateRequest, request_id)
    if request is None:
        return None
    recipient = await session.get(User, request.recipient_user_id)
    name = recipient.name if recipient else "someone"
    due = request.due_date.isoformat()
    lines = {"requested": f"Update requested from {name}, due {due}", "answered": f"{name} answered the update request",
             "cancelled": f"Update request to {name} cancelled", "overdue": f"Update request to {name} is overdue "
                                                                             f"(due {due})"}
    return lines[happened], Audience.TEAM


async def record_activity(session: AsyncSession, *, event_id: int, kind: str, client_id: int, project_id: int,
                          actor_user_id: int | None, subject: tuple[str, int], line: tuple[str, Audience] | None,
                          occurred_at: datetime) -> Activity | None:
    """The event's one activity, made once however often it runs; nothing when there is nothing to tell."""
    if line is None:
        return None
    existing = await session.scalar(select(Activity).where(Activity.event_id == event_id))
    if existing is not None:
        return existing
    summary, audience = line
    if session.bind.dialect.name == "postgresql":
        # Ids in commit order: a subscriber that read up to id N never meets an N-1 committing later. The lock is
        # the transaction's and ends with it (SQLite's single writer gives the same order by itself).
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ACTIVITY_ORDER_LOCK})
    activity = Activity(event_id=event_id, kind=kind, client_id=client_id, project_id=project_id,
                        actor_user_id=actor_user_id, subject_type=subject[0], subject_id=subject[1],
                        summary=summary[:500], audience=audience, occurred_at=occurred_at)
    session.add(activity)
    await session.flush()
    return activity


async def list_activity(session: AsyncSession, *, principal: Principal, page: PageRequest,
                        client_id: int | None = None, project_id: int | None = None) -> Page[Activity]:
    """What the principal may see happen, newest first, optionally of one client or project."""
    statement = scoped(select(Activity), Activity, principal)
    if client_id is not None:
        statement = statement.where(Activity.client_id == client_id)
    if project_id is not None:
        statement = statement.where(Activity.project_id == project_id)
    return await paginate(session, statement, key=ACTIVITY_ORDER, page=page, descending=True)


async def activity_after(session: AsyncSession, *, principal: Principal, after_id: int, client_id: int | None,
                         project_id: int | None, limit: int) -> list[Activity]:
    """What the principal may see that was recorded after activity `after_id`, oldest first."""
    statement = scoped(select(Activity), Activity, principal).where(Activity.id > after_id)
    if client_id is not None:
        statement = statement.where(Activity.client_id == client_id)
    if project_id is not None:
        statement = statement.where(Activity.project_id == project_id)
    return list(await session.scalars(statement.order_by(Activity.id).limit(limit)))


async def latest_activity_id(session: AsyncSession) -> int:
    """Where "from now on" starts: the last activity recorded by anyone (0 before the first)."""
    return await session.scalar(select(func.max(Activity.id))) or 0


async def activity_pages_by_project(session: AsyncSession, *, principal: Principal, project_ids: Sequence[int],
                                    page: PageRequest, since: datetime | None = None) -> list[Page[Activity]]:
    """One page of each project's activity the principal may see (from `since` on), newest first, in one query."""
    statement = scoped(select(Activity), Activity, principal)
    if since is not None:
        statement = statement.where(Activity.occurred_at >= since)
    return await paginate_children(session, statement, entity=Activity,
                                   parent=Activity.project_id, parent_ids=project_ids, key=ACTIVITY_ORDER,
                                   page=page, descending=True)


async def activities_by_ids(session: AsyncSession, *, principal: Principal,
                            ids: Sequence[int]) -> list[Activity | None]:
    return in_order(await session.scalars(scoped(select(Activity), Activity, principal)
                                          .where(Activity.id.in_(ids))), ids)
