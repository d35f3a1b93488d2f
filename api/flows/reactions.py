"""The one map from domain events to their reactions.

Services record what happened (api.changes.events); this module says what follows. Every reaction runs after
the event's transaction committed, at least once, and is idempotent in effect: the runner marks it done in the
same transaction as its work (api.flows.runner).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.activity import service as activity_service
from api.changes.events import ClientDataChanged, DomainEvent
from api.changes.models import OutboxEvent
from api.comments import service as comment_service
from api.comments.events import CommentChanged
from api.cx.action_items.events import ActionItemChanged
from api.cx.action_items.models import ActionItemStatus
from api.cx.feedback.events import FeedbackReceived
from api.cx.surveys import event_invitations
from api.cx.surveys.service import IssuedInvitation
from api.delivery import service as delivery_service
from api.delivery.events import WeeklyDigestDue
from api.delivery.models import NoticeKind
from api.delivery.preferences import preferences_of
from api.projects.events import (
    MilestoneChanged,
    MilestoneDecided,
    MilestoneProgressReported,
    MilestoneSubmitted,
    ProjectChanged,
    ProjectClosed,
    RiskChanged,
)
from api.projects.models import MilestoneKind, MilestoneStatus
from api.reports.events import ReportPublished
from api.settings import Settings
from api.sites import build_queue
from api.sites.events import SitePublished
from api.update_requests import service as request_service
from api.update_requests.events import UpdateRequestChanged, UpdateRequestReminderDue
from api.webhooks import service as webhook_service
from api.webhooks.events import WebhookEndpointFailing
from api.webhooks.models import WebhookEventType

Handler = Callable[[AsyncSession, Any, Settings], Awaitable[None]]


@dataclass(frozen=True)
class Flow:
    """One reaction: its stable name (kept with each run) and what it does."""

    name: str
    handler: Handler


async def rebuild_sites(session: AsyncSession, event: ClientDataChanged, settings: Settings) -> None:
    """Queue one debounced rebuild of each changed client's site."""
    await build_queue.queue_changed_sites(session, client_ids=event.client_ids, quiet=settings.build_quiet)


async def notify_report_readers(session: AsyncSession, event: ReportPublished, settings: Settings) -> None:
    """Mail the published report to the client's people, each notice carrying the recipient's survey link when
    the frequency cap lets the event invite them: the invitation goes out in that mail, never in a second one."""
    readers = await _recipients(session, event, NoticeKind.REPORT_PUBLISHED)
    issued = await event_invitations.invite_for_report(session, actor_user_id=event.actor_user_id, settings=settings,
                                                       client_id=event.client_id, project_id=event.project_id,
                                                       report_id=event.report_id, only=readers)
    invitations = {item.invitation.contact_id: item.invitation.id for item in issued}
    await delivery_service.queue_notices(session, event_id=event.event_id, client_id=event.client_id,
                                         kind=NoticeKind.REPORT_PUBLISHED, settings=settings, invitations=invitations)


async def notify_reviewers(session: AsyncSession, event: MilestoneSubmitted, settings: Settings) -> None:
    """Tell the client's people that a milestone or deliverable awaits their acceptance."""
    await delivery_service.queue_notices(session, event_id=event.event_id, client_id=event.client_id,
                                         kind=NoticeKind.MILESTONE_SUBMITTED, settings=settings)


async def invite_acceptors(session: AsyncSession, event: MilestoneDecided, settings: Settings) -> None:
    """Ask the client's people, by email, about an accepted deliverable."""
    if event.decision != MilestoneStatus.ACCEPTED.value:
        return
    issued = await event_invitations.invite_for_acceptance(
        session, actor_user_id=event.actor_user_id, settings=settings, client_id=event.client_id,
        project_id=event.project_id, milestone_id=event.milestone_id, kind=MilestoneKind(event.milestone_kind),
        only=await _recipients(session, event, NoticeKind.ACCEPTANCE_SURVEY))
    await _mail_invitations(session, event, settings, issued, NoticeKind.ACCEPTANCE_SURVEY)


async def invite_for_closeout(session: AsyncSession, event: ProjectClosed, settings: Settings) -> None:
    """Ask the client's people, by email, how the closed project went."""
    issued = await event_invitations.invite_for_closeout(
        session, actor_user_id=event.actor_user_id, settings=settings, client_id=event.client_id,
        project_id=event.project_id, only=await _recipients(session, event, NoticeKind.CLOSEOUT_SURVEY))
    await _mail_invitations(session, event, settings, issued, NoticeKind.CLOSEOUT_SURVEY)


async def send_digests(session: AsyncSession, event: WeeklyDigestDue, settings: Settings) -> None:
    """Queue the week's digest for the client's people who read status weekly."""
    await delivery_service.queue_notices(session, event_id=event.event_id, client_id=event.client_id,
                                         kind=NoticeKind.WEEKLY_DIGEST, settings=settings)


async def call_webhooks(session: AsyncSession, event: DomainEvent, settings: Settings) -> None:
    """Queue one signed request per endpoint that asked for this kind of the client's events."""
    found = webhook_type(event)
    if found is None or event.client_id is None or event.event_id is None:
        return
    event_type, client_visible = found
    await webhook_service.queue_webhooks(session, event_id=event.event_id, client_id=event.client_id,
                                         event_type=event_type, client_visible=client_visible)


def webhook_type(event: DomainEvent) -> tuple[WebhookEventType, bool] | None:
    """The webhook type an event is sent as, and whether the client may read what it is about; None for none."""
    match event:
        case ReportPublished():
            return WebhookEventType.STATUS_REPORT_PUBLISHED, True
        case MilestoneSubmitted():
            return WebhookEventType.MILESTONE_SUBMITTED, True
        case MilestoneDecided(decision=MilestoneStatus.ACCEPTED.value):
            return WebhookEventType.MILESTONE_ACCEPTED, True
        case MilestoneDecided(decision=MilestoneStatus.REJECTED.value):
            return WebhookEventType.MILESTONE_REJECTED, True
        case ActionItemChanged(status=ActionItemStatus.DONE.value) if event.created or "status" in event.fields:
            return WebhookEventType.ACTION_ITEM_DONE, event.client_visible
        case SitePublished():
            return WebhookEventType.SITE_PUBLISHED, True
        case FeedbackReceived():
            return WebhookEventType.FEEDBACK_RECEIVED, False
    return None


async def tell_webhook_owner(session: AsyncSession, event: WebhookEndpointFailing, settings: Settings) -> None:
    """Mail the person behind an endpoint that keeps failing, or was disabled for it."""
    owner = await webhook_service.owner_of(session, endpoint_id=event.endpoint_id)
    if owner is not None:
        await delivery_service.queue_notice_to(session, event_id=event.event_id, user_id=owner.user_id,
                                               client_id=owner.organization_id, kind=NoticeKind.WEBHOOK_FAILING,
                                               settings=settings)


async def notify_mentioned(session: AsyncSession, event: CommentChanged, settings: Settings) -> None:
    """Mail the people a comment newly names who may read it and want personal notices for that client."""
    readers = await comment_service.readers_among(session, comment_id=event.comment_id,
                                                  user_ids=event.mentioned_user_ids)
    if not readers or event.client_id is None:
        return
    wanted = await preferences_of(session, client_id=event.client_id, user_ids=readers)
    for user_id in readers:
        if wanted[user_id].wants(NoticeKind.COMMENT_MENTION):
            await delivery_service.queue_notice_to(session, event_id=event.event_id, user_id=user_id,
                                                   client_id=event.client_id, kind=NoticeKind.COMMENT_MENTION,
                                                   settings=settings)


async def mail_update_request(session: AsyncSession, event: UpdateRequestChanged | UpdateRequestReminderDue,
                              settings: Settings) -> None:
    """Mail the person asked: the request with its link, or the reminder the day before it is due."""
    if isinstance(event, UpdateRequestChanged) and event.happened != "requested":
        return
    recipient_id = await request_service.recipient_of(session, request_id=event.request_id)
    kind = NoticeKind.UPDATE_REQUEST if isinstance(event, UpdateRequestChanged) else NoticeKind.UPDATE_REMINDER
    if recipient_id is not None and event.client_id is not None:
        await delivery_service.queue_notice_to(session, event_id=event.event_id, user_id=recipient_id,
                                               client_id=event.client_id, kind=kind, settings=settings)


async def note_activity(session: AsyncSession, event: DomainEvent, settings: Settings) -> None:
    """Tell what happened on a project as an Activity for the audience that may read about it."""
    row = await session.get(OutboxEvent, event.event_id)
    if row is None or event.client_id is None:
        return
    match event:
        case ProjectChanged():
            subject = ("Project", event.project_id)
            line = await activity_service.project_line(session, project_id=event.project_id, created=event.created,
                                                       fields=event.fields)
        case MilestoneChanged() | MilestoneProgressReported() | MilestoneSubmitted() | MilestoneDecided():
            subject = ("Milestone", event.milestone_id)
            line = await activity_service.milestone_line(
                session, milestone_id=event.milestone_id, happened=_milestone_happening(event),
                fields=event.fields if isinstance(event, MilestoneChanged) else (),
                percent=getattr(event, "percent_complete", None),
                status=event.status if isinstance(event, MilestoneProgressReported)
                else event.decision if isinstance(event, MilestoneDecided) else None)
        case RiskChanged():
            subject = ("Risk", event.risk_id)
            line = await activity_service.risk_line(session, risk_id=event.risk_id, created=event.created,
                                                    visibility=event.visibility, fields=event.fields)
        case UpdateRequestChanged():
            subject = ("UpdateRequest", event.request_id)
            line = await activity_service.update_request_line(session, request_id=event.request_id,
                                                              happened=event.happened)
        case CommentChanged():
            subject = ("Comment", event.comment_id)
            line = await activity_service.comment_line(session, comment_id=event.comment_id, happened=event.happened)
        case ReportPublished():
            subject = ("StatusReport", event.report_id)
            line = await activity_service.report_line(session, report_id=event.report_id)
        case _:
            return
    await activity_service.record_activity(session, event_id=row.id, kind=event.kind, client_id=event.client_id,
                                           project_id=event.project_id,  # type: ignore[attr-defined]
                                           actor_user_id=event.actor_user_id, subject=subject, line=line,
                                           occurred_at=row.occurred_at)


def _milestone_happening(event: DomainEvent) -> str:
    if isinstance(event, MilestoneChanged):
        return "created" if event.created else "changed"
    return {MilestoneProgressReported: "progress", MilestoneSubmitted: "submitted"}.get(type(event), "decided")


async def _recipients(session: AsyncSession, event: DomainEvent, kind: NoticeKind) -> set[int]:
    """Who receives this event's mail: only they are invited by it, so no invitation goes undelivered."""
    return {user.id for user in await delivery_service.notice_recipients(session, client_id=event.client_id,
                                                                         kind=kind)}


async def _mail_invitations(session: AsyncSession, event: DomainEvent, settings: Settings,
                            issued: list[IssuedInvitation], kind: NoticeKind) -> None:
    await delivery_service.queue_notices(
        session, event_id=event.event_id, client_id=event.client_id, kind=kind, settings=settings,
        invitations={item.invitation.contact_id: item.invitation.id for item in issued}, only_invited=True)


WEBHOOKS = Flow("call_webhooks", call_webhooks)
ACTIVITY = Flow("note_activity", note_activity)
FLOWS: dict[type[DomainEvent], tuple[Flow, ...]] = {
    ClientDataChanged: (Flow("rebuild_sites", rebuild_sites),),
    ReportPublished: (Flow("notify_report_readers", notify_report_readers), WEBHOOKS, ACTIVITY),
    MilestoneSubmitted: (Flow("notify_reviewers", notify_reviewers), WEBHOOKS, ACTIVITY),
    MilestoneDecided: (Flow("invite_acceptors", invite_acceptors), WEBHOOKS, ACTIVITY),
    ProjectChanged: (ACTIVITY,),
    CommentChanged: (Flow("notify_mentioned", notify_mentioned), ACTIVITY),
    UpdateRequestChanged: (Flow("mail_update_request", mail_update_request), ACTIVITY),
    UpdateRequestReminderDue: (Flow("remind_update_request", mail_update_request),),
    MilestoneChanged: (ACTIVITY,),
    MilestoneProgressReported: (ACTIVITY,),
    RiskChanged: (ACTIVITY,),
    ProjectClosed: (Flow("invite_for_closeout", invite_for_closeout),),
    WeeklyDigestDue: (Flow("send_digests", send_digests),),
    ActionItemChanged: (WEBHOOKS,),
    FeedbackReceived: (WEBHOOKS,),
    SitePublished: (WEBHOOKS,),
    WebhookEndpointFailing: (Flow("tell_webhook_owner", tell_webhook_owner),),
}
BY_NAME = {flow.name: flow for flows in FLOWS.values() for flow in flows}
# Reactions recorded under an earlier name run as the flow that took their place.
BY_NAME["invite_report_readers"] = BY_NAME["notify_report_readers"]


def flows_for(event: DomainEvent | None) -> tuple[Flow, ...]:
    """The reactions an event calls for (none for a kind nobody reacts to yet)."""
    return FLOWS.get(type(event), ()) if event is not None else ()
