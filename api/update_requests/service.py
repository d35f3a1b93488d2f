"""Update requests: made by PMO staff for a project's subcontractor or a colleague, answered once from a signed link,
reminded the day before they are due, marked OVERDUE after."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Membership, Role, User
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.auth.service import principal_for_user
from api.auth.tokens import sign_token, verify_token
from api.changes.events import record_event
from api.earned_value import service as earned_value_service
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Conflict, InvalidInput, NotFound, Unauthenticated, Validator
from api.kit.pagination import Page, PageRequest, paginate
from api.projects import service as project_service
from api.projects.models import Assignment, Milestone, Risk
from api.settings import Settings
from api.update_requests.events import UpdateRequestChanged, UpdateRequestReminderDue
from api.update_requests.models import UpdateRequest, UpdateRequestItem, UpdateRequestState

UPDATE_TOKEN = "rapport-update+jwt"
FORM_PURPOSE = b"rapport-update-form:"
MAX_MESSAGE = 2000
MAX_ITEMS = 50
LINK_GRACE = timedelta(days=7)  # a link works until a week after the due date: late answers are still welcome
WAITING = (UpdateRequestState.OPEN, UpdateRequestState.OVERDUE)
REMIND_AFTER = timedelta(hours=12)  # a request made the day before it is due needs no reminder that evening
REQUEST_ORDER = [UpdateRequest.created_at, UpdateRequest.id]


class LinkClosed(Exception):
    """A genuine link that may no longer be used; the message says why, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RequestDraft:
    project_id: int
    recipient_email: str
    milestone_ids: Sequence[int]
    risk_ids: Sequence[int]
    message: str
    due_date: date


async def _recipient(session: AsyncSession, email: str, project_id: int) -> tuple[User, Principal]:
    """An active PMO staff member, or a person of a subcontractor assigned to the project."""
    user = await session.scalar(select(User).where(User.email == email.strip().lower(), User.is_active.is_(True)))
    if user is None:
        raise InvalidInput("no active person has this email", field="recipientEmail")
    principal = await principal_for_user(session, user_id=user.id)
    assigned = await session.scalar(
        select(Membership.id).join(Assignment, Assignment.organization_id == Membership.organization_id)
        .where(Membership.user_id == user.id, Membership.role == Role.SUBCONTRACTOR,
               Assignment.project_id == project_id).limit(1))
    if not (principal.is_pmo_staff or assigned):
        raise InvalidInput("ask PMO staff or a person of a subcontractor assigned to this project",
                           field="recipientEmail")
    return user, principal


async def _check_items(session: AsyncSession, validator: Validator, *, recipient: Principal, project_id: int,
                       milestone_ids: Sequence[int], risk_ids: Sequence[int]) -> None:
    """Every item must be the project's, and visible to the recipient, who will be shown it."""
    for entity, ids, field in ((Milestone, milestone_ids, "milestoneIds"), (Risk, risk_ids, "riskIds")):
        found = set(await session.scalars(scoped(select(entity.id), entity, recipient)
                                          .where(entity.id.in_(list(ids)), entity.project_id == project_id)))
        validator.check(found == set(ids), field, f"each of {field} must be on this project and visible to the "
                                                  "recipient")


async def create_update_request(session: AsyncSession, *, principal: Principal, draft: RequestDraft) -> UpdateRequest:
    """Ask someone to update exactly these milestones and risks by `due_date`; they are mailed a link."""
    require_pmo_staff(principal)
    project = await project_service.get_project(session, principal=principal, project_id=draft.project_id,
                                                field="projectId")
    user, recipient = await _recipient(session, draft.recipient_email, project.id)
    today = (await earned_value_service.today_for_clients(session, client_ids=[project.client_id]))[project.client_id]
    validator = Validator()
    count = len(set(draft.milestone_ids)) + len(set(draft.risk_ids))
    validator.check(0 < count <= MAX_ITEMS, "milestoneIds", f"ask about 1 to {MAX_ITEMS} milestones and risks")
    validator.check(len(draft.message.strip()) <= MAX_MESSAGE, "message",
                    f"a message holds at most {MAX_MESSAGE} characters")
    validator.check(draft.due_date >= today, "dueDate", f"the due date must be today ({today.isoformat()}) or later")
    await _check_items(session, validator, recipient=recipient, project_id=project.id,
                       milestone_ids=draft.milestone_ids, risk_ids=draft.risk_ids)
    validator.raise_if_any()
    now = utcnow()
    request = UpdateRequest(
        client_id=project.client_id, project_id=project.id, token_id=secrets.token_urlsafe(24),
        requester_user_id=principal.user_id, recipient_user_id=user.id, message=draft.message.strip(),
        due_date=draft.due_date, state=UpdateRequestState.OPEN, created_at=now,
        expires_at=datetime.combine(draft.due_date + LINK_GRACE, time(23, 59), tzinfo=now.tzinfo))
    session.add(request)
    await session.flush()
    session.add_all([UpdateRequestItem(request_id=request.id, milestone_id=pk)
                     for pk in sorted(set(draft.milestone_ids))]
                    + [UpdateRequestItem(request_id=request.id, risk_id=pk) for pk in sorted(set(draft.risk_ids))])
    await session.flush()
    record_request_event(session, request, principal.user_id, "requested")
    return request


def record_request_event(session: AsyncSession, request: UpdateRequest, actor_user_id: int | None,
                         happened: str) -> None:
    """Record what happened to a request (requested, answered, cancelled, overdue) for the reactions."""
    record_event(session, UpdateRequestChanged(client_id=request.client_id, actor_user_id=actor_user_id,
                                               request_id=request.id, project_id=request.project_id,
                                               happened=happened))


async def cancel_update_request(session: AsyncSession, *, principal: Principal, request_id: int) -> UpdateRequest:
    """Withdraw a request that is still waiting: its link stops working."""
    require_pmo_staff(principal)
    request = await session.scalar(scoped(select(UpdateRequest), UpdateRequest, principal)
                                   .where(UpdateRequest.id == request_id).with_for_update())
    if request is None:
        raise NotFound("no such update request", field="id")
    if request.state not in WAITING:
        raise Conflict(f"this request is {request.state.value.lower()}: only a waiting one can be cancelled",
                       field="id")
    request.state, request.cancelled_at = UpdateRequestState.CANCELLED, utcnow()
    await session.flush()
    record_request_event(session, request, principal.user_id, "cancelled")
    return request


async def list_update_requests(session: AsyncSession, *, principal: Principal, page: PageRequest,
                               state: UpdateRequestState | None = None,
                               project_id: int | None = None) -> Page[UpdateRequest]:
    """The requests the principal may see (staff: all; others: those asked of them), newest first."""
    statement = scoped(select(UpdateRequest), UpdateRequest, principal)
    if state is not None:
        statement = statement.where(UpdateRequest.state == state)
    if project_id is not None:
        statement = statement.where(UpdateRequest.project_id == project_id)
    return await paginate(session, statement, key=REQUEST_ORDER, page=page, descending=True)


async def requests_by_ids(session: AsyncSession, *, principal: Principal,
                          ids: Sequence[int]) -> list[UpdateRequest | None]:
    rows = await session.scalars(scoped(select(UpdateRequest), UpdateRequest, principal)
                                 .where(UpdateRequest.id.in_(ids)))
    return in_order(rows, ids)


async def items_of(session: AsyncSession, *, request_ids: Sequence[int]) -> list[tuple[list[int], list[int]]]:
    """Each request's milestone ids and risk ids, in the order asked."""
    rows = await session.scalars(select(UpdateRequestItem).where(UpdateRequestItem.request_id.in_(request_ids))
                                 .order_by(UpdateRequestItem.id))
    found: dict[int, tuple[list[int], list[int]]] = {pk: ([], []) for pk in request_ids}
    for row in rows:
        milestones, risks = found[row.request_id]
        (milestones.append(row.milestone_id) if row.milestone_id is not None else risks.append(row.risk_id))
    return [found[pk] for pk in request_ids]


async def recipient_of(session: AsyncSession, *, request_id: int) -> int | None:
    """Who a request asks (for its mail)."""
    return await session.scalar(select(UpdateRequest.recipient_user_id).where(UpdateRequest.id == request_id))


def update_link(request: UpdateRequest, *, settings: Settings) -> str:
    """The signed link of a request; the same request and key always give the same link."""
    token = sign_token(settings=settings, token_type=UPDATE_TOKEN, subject=request.token_id,
                       ttl_seconds=int((request.expires_at - request.created_at).total_seconds()),
                       now=request.created_at, token_id=request.token_id)
    return f"{settings.public_url.rstrip('/')}/updates/{token}"


async def open_link(session: AsyncSession, *, settings: Settings, token: str) -> UpdateRequest:
    """The waiting request a link stands for; NotFound when it is not genuine, LinkClosed when it may not be used."""
    try:
        verified = verify_token(token, settings=settings, token_type=UPDATE_TOKEN)
    except Unauthenticated as exc:
        if exc.message == "token has expired":
            raise LinkClosed("this link has expired") from exc
        raise NotFound("this link is not valid") from exc
    request = await session.scalar(select(UpdateRequest).where(UpdateRequest.token_id == verified.subject))
    if request is None:
        raise NotFound("this link is not valid")
    if request.state is UpdateRequestState.ANSWERED:
        raise LinkClosed("this request was already answered")
    if request.state is UpdateRequestState.CANCELLED:
        raise LinkClosed("this request was withdrawn")
    if request.expires_at <= utcnow():
        raise LinkClosed("this link has expired")
    return request


def form_token(request: UpdateRequest, *, settings: Settings) -> str:
    """The form's CSRF token: an HMAC of the link's token id."""
    return hmac.new(settings.survey_form_key, FORM_PURPOSE + request.token_id.encode(), hashlib.sha256).hexdigest()


def form_token_matches(request: UpdateRequest, *, settings: Settings, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(form_token(request, settings=settings), given)


async def sweep_update_requests(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Remind the recipients of open requests due tomorrow (once), and mark OVERDUE those past their due date, each
    by the date of the client's site; returns how many requests it touched."""
    now = now or utcnow()
    waiting = list(await session.scalars(select(UpdateRequest).where(UpdateRequest.state == UpdateRequestState.OPEN)
                                         .order_by(UpdateRequest.id).with_for_update(skip_locked=True)))
    days = await earned_value_service.today_for_clients(session, client_ids=sorted({r.client_id for r in waiting}))
    touched = 0
    for request in waiting:
        today = days[request.client_id]
        if request.due_date < today:
            request.state = UpdateRequestState.OVERDUE
            record_request_event(session, request, None, "overdue")
            touched += 1
        elif (request.due_date - today <= timedelta(days=1) and request.reminded_at is None
              and now - request.created_at >= REMIND_AFTER):
            request.reminded_at = now
            record_event(session, UpdateRequestReminderDue(client_id=request.client_id, actor_user_id=None,
                                                           request_id=request.id, project_id=request.project_id))
            touched += 1
    await session.flush()
    return touched
