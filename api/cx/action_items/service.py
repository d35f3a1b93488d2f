"""Action items: what the PMO did about feedback ("You said, we did")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.audit.changes import apply_changes, record_change
from api.auth.people import pmo_person
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.cx.action_items.events import ActionItemChanged
from api.cx.action_items.models import ActionItem, ActionItemStatus
from api.cx.feedback.models import Feedback
from api.cx.references import subject_of
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import InvalidInput, NotFound, Validator
from api.kit.pagination import Page, PageRequest, paginate

ACTION_ITEM_ORDER = [ActionItem.created_at, ActionItem.id]
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000
DETRACTOR_FOLLOW_UP_DAYS = 7


async def list_action_items(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageRequest,
    client_id: int | None = None,
    project_id: int | None = None,
    status: ActionItemStatus | None = None,
) -> Page[ActionItem]:
    """Action items the principal may see, newest first, with optional filters."""
    statement = _visible(principal)
    if client_id is not None:
        statement = statement.where(ActionItem.client_id == client_id)
    if project_id is not None:
        statement = statement.where(ActionItem.project_id == project_id)
    if status is not None:
        statement = statement.where(ActionItem.status == status)
    return await paginate(session, statement, key=ACTION_ITEM_ORDER, page=page, descending=True)


async def action_items_by_ids(session: AsyncSession, *, principal: Principal,
                              ids: Sequence[int]) -> list[ActionItem | None]:
    """Action items for `ids` in order; None where missing or not visible."""
    return in_order(await session.scalars(_visible(principal).where(ActionItem.id.in_(ids))), ids)


def _visible(principal: Principal) -> Select[tuple[ActionItem]]:
    return scoped(select(ActionItem), ActionItem, principal)


@dataclass(frozen=True)
class ActionItemDraft:
    """A new action item; the client and project default to those of the feedback it answers."""

    title: str
    client_id: int | None = None
    project_id: int | None = None
    feedback_id: int | None = None
    you_said: str = ""
    we_did: str = ""
    status: ActionItemStatus = ActionItemStatus.OPEN
    client_visible: bool = False
    owner_email: str | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class ActionItemChanges:
    """Fields of an action item to set; None leaves a field as it is."""

    title: str | None = None
    you_said: str | None = None
    we_did: str | None = None
    status: ActionItemStatus | None = None
    client_visible: bool | None = None
    owner_email: str | None = None
    due_date: date | None = None


def _check_texts(validator: Validator, *, title: str | None, you_said: str | None, we_did: str | None) -> None:
    if title is not None:
        validator.check(1 <= len(title.strip()) <= TITLE_MAX_LENGTH, "title",
                        f"title must be 1 to {TITLE_MAX_LENGTH} characters")
    for field, text in (("youSaid", you_said), ("weDid", we_did)):
        if text is not None:
            validator.check(len(text) <= TEXT_MAX_LENGTH, field,
                            f"{field} must be at most {TEXT_MAX_LENGTH} characters")


def _check_told(*, client_visible: bool, status: ActionItemStatus, we_did: str) -> None:
    if client_visible and status is ActionItemStatus.DONE and not we_did.strip():
        raise InvalidInput("a done item the client sees must say what we did", field="weDid")


async def create_action_item(session: AsyncSession, *, principal: Principal, draft: ActionItemDraft) -> ActionItem:
    """Record an action item, optionally answering one piece of feedback."""
    require_pmo_staff(principal)
    validator = Validator()
    _check_texts(validator, title=draft.title, you_said=draft.you_said, we_did=draft.we_did)
    validator.check(draft.client_id is not None or draft.feedback_id is not None, "clientId",
                    "give the client, or the feedback this item answers")
    validator.raise_if_any()
    _check_told(client_visible=draft.client_visible, status=draft.status, we_did=draft.we_did)
    client_id, project_id = draft.client_id, draft.project_id
    if draft.feedback_id is not None:
        feedback = await session.scalar(
            scoped(select(Feedback), Feedback, principal).where(Feedback.id == draft.feedback_id))
        if feedback is None or (client_id is not None and feedback.client_id != client_id):
            raise NotFound("no such feedback for this client", field="feedbackId")
        client_id = feedback.client_id
        project_id = project_id if project_id is not None else feedback.project_id
    subject = await subject_of(session, principal=principal, client_id=client_id, project_id=project_id)
    owner = await pmo_person(session, email=draft.owner_email, field="ownerEmail") if draft.owner_email else None
    item = ActionItem(
        client_id=subject.client_id,
        project_id=subject.project.id if subject.project else None,
        feedback_id=draft.feedback_id,
        title=draft.title.strip(),
        you_said=draft.you_said,
        we_did=draft.we_did,
        status=draft.status,
        client_visible=draft.client_visible,
        owner_id=owner.id if owner else principal.user_id,
        due_date=draft.due_date,
        completed_at=utcnow() if draft.status is ActionItemStatus.DONE else None,
    )
    session.add(item)
    await session.flush()
    await audit_service.record(session, principal=principal, action="action_item.create", object_type="ActionItem",
                               object_id=item.id, organization_id=item.client_id,
                               details={"status": item.status.value, "client_visible": item.client_visible,
                                        "feedback_id": item.feedback_id})
    _record_item_event(session, item, principal=principal, created=True, fields=["status", "title"])
    return item


async def update_action_item(session: AsyncSession, *, principal: Principal, action_item_id: int,
                             changes: ActionItemChanges) -> ActionItem:
    """Change an action item; moving to DONE stamps its completion, moving away clears it."""
    require_pmo_staff(principal)
    item = await session.scalar(_visible(principal).where(ActionItem.id == action_item_id))
    if item is None:
        raise NotFound("no such action item", field="id")
    validator = Validator()
    _check_texts(validator, title=changes.title, you_said=changes.you_said, we_did=changes.we_did)
    validator.raise_if_any()
    _check_told(
        client_visible=item.client_visible if changes.client_visible is None else changes.client_visible,
        status=changes.status or item.status,
        we_did=item.we_did if changes.we_did is None else changes.we_did,
    )
    values: dict[str, object] = {name: getattr(changes, name) for name in ("you_said", "we_did", "client_visible",
                                                                           "due_date")
                                 if getattr(changes, name) is not None}
    if changes.owner_email is not None:
        values["owner_id"] = (await pmo_person(session, email=changes.owner_email, field="ownerEmail")).id
    if changes.title is not None:
        values["title"] = changes.title.strip()
    if changes.status is not None and changes.status is not item.status:
        values["status"] = changes.status
        values["completed_at"] = utcnow() if changes.status is ActionItemStatus.DONE else None
    changed = apply_changes(item, values)
    changed.pop("completed_at", None)  # follows the status
    await session.flush()
    await record_change(session, principal=principal, action="action_item.update", row=item,
                        client_id=item.client_id, changed=changed)
    _record_item_event(session, item, principal=principal, created=False, fields=sorted(changed))
    return item


def _record_item_event(session: AsyncSession, item: ActionItem, *, principal: Principal, created: bool,
                       fields: list[str]) -> None:
    record_event(session, ActionItemChanged(client_id=item.client_id, actor_user_id=principal.user_id,
                                            action_item_id=item.id, created=created, status=item.status.value,
                                            client_visible=item.client_visible, fields=fields))


async def open_detractor_follow_up(session: AsyncSession, *, principal: Principal, feedback: Feedback,
                                   owner_id: int | None) -> ActionItem:
    """Open the internal follow-up a detractor's feedback calls for."""
    label = feedback.touchpoint.value.replace("_", " ").lower()
    item = ActionItem(
        client_id=feedback.client_id,
        project_id=feedback.project_id,
        feedback_id=feedback.id,
        title=f"Follow up with a detractor ({label})",
        you_said=feedback.comment,
        status=ActionItemStatus.OPEN,
        client_visible=False,
        owner_id=owner_id,
        due_date=feedback.submitted_at.date() + timedelta(days=DETRACTOR_FOLLOW_UP_DAYS),
    )
    session.add(item)
    await session.flush()
    await audit_service.record(session, principal=principal, action="action_item.create", object_type="ActionItem",
                               object_id=item.id, organization_id=item.client_id,
                               details={"status": item.status.value, "client_visible": False,
                                        "feedback_id": feedback.id, "detractor_follow_up": True})
    _record_item_event(session, item, principal=principal, created=True, fields=["status", "title"])
    return item
