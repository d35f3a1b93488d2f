"""A year of client feedback at every touchpoint, and the survey invitations that asked for it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import User
from api.cx.feedback.models import Feedback, FeedbackChannel
from api.cx.models import Touchpoint
from api.cx.surveys.models import InvitationTrigger, SurveyInvitation
from api.demo import feedback_texts as texts
from api.demo.dates import at_utc, reporting_window_start
from api.demo.people import Cast, ClientCast
from api.demo.projects import SeededProject
from api.projects.models import Health, Milestone, MilestoneKind, ProjectStatus
from api.reports.models import ReportCadence, ReportState, StatusReport

# The scales each touchpoint's survey asks, the first one always.
SCALES = {
    Touchpoint.KICKOFF: ("csat",),
    Touchpoint.STATUS_REPORT: ("csat", "ces"),
    Touchpoint.MILESTONE_REVIEW: ("csat",),
    Touchpoint.DELIVERABLE_ACCEPTANCE: ("csat", "ces"),
    Touchpoint.MEETING: ("csat",),
    Touchpoint.SUPPORT: ("ces", "csat"),
    Touchpoint.CLOSEOUT: ("csat", "nps"),
    Touchpoint.GENERAL: ("nps", "csat"),
}
SCORES = {
    texts.POSITIVE: {"csat": (5, 5, 4), "nps": (9, 10, 10), "ces": (5, 6, 7, 7)},
    texts.NEUTRAL: {"csat": (4, 3, 4), "nps": (6, 7, 7, 8, 8), "ces": (4, 5)},
    texts.NEGATIVE: {"csat": (1, 2, 2, 3), "nps": (0, 2, 3, 4, 5, 6, 6), "ces": (1, 2, 3, 3)},
}
# Chance of a positive, neutral or negative response given the project's overall health that day.
MOOD = {Health.GREEN: (0.65, 0.22, 0.13), Health.AMBER: (0.45, 0.30, 0.25), Health.RED: (0.25, 0.30, 0.45)}
RESPONSE_RATE = {
    Touchpoint.KICKOFF: 0.8,
    Touchpoint.STATUS_REPORT: 0.55,
    Touchpoint.MILESTONE_REVIEW: 0.75,
    Touchpoint.DELIVERABLE_ACCEPTANCE: 0.75,
    Touchpoint.CLOSEOUT: 1.0,
    Touchpoint.GENERAL: 0.7,
}
INVITATION_DAYS = 14


@dataclass(frozen=True)
class Occasion:
    """A moment when a client could tell us how we did; `trigger` is None when no survey link was sent."""

    day: date
    touchpoint: Touchpoint
    client: ClientCast
    respondent: User | None
    trigger: InvitationTrigger | None
    project: SeededProject | None = None
    report: StatusReport | None = None
    milestone: Milestone | None = None


@dataclass(frozen=True)
class Response:
    """A feedback row with the sentiment it was generated from, for the follow-up step."""

    feedback: Feedback
    sentiment: str
    project: SeededProject | None


async def add_feedback(
    *, session: AsyncSession, rng: random.Random, cast: Cast, projects: list[SeededProject], today: date
) -> list[Response]:
    """Add a year of invitations and feedback at every touchpoint, in the order they happened."""
    occasions = sorted(_occasions(rng=rng, cast=cast, projects=projects, today=today), key=lambda o: o.day)
    answered = []
    for occasion in occasions:
        if occasion.trigger is None:
            answered.append((occasion, None, at_utc(occasion.day, rng.randint(13, 21), rng.randint(0, 59))))
            continue
        invitation = _invitation(rng=rng, occasion=occasion, cast=cast)
        session.add(invitation)
        submitted_at = invitation.sent_at + timedelta(hours=rng.randint(1, 96), minutes=rng.randint(0, 59))
        if rng.random() < RESPONSE_RATE[occasion.touchpoint] and submitted_at.date() < today:
            answered.append((occasion, invitation, submitted_at))
    await session.flush()
    responses = []
    for occasion, invitation, submitted_at in answered:
        if invitation is not None:
            invitation.uses, invitation.responded_at = 1, submitted_at
        health = _health_on(occasion=occasion, projects=projects)
        response = _response(
            rng=rng, occasion=occasion, health=health, invitation=invitation, submitted_at=submitted_at
        )
        session.add(response.feedback)
        responses.append(response)
    await session.flush()
    return responses


def _occasions(*, rng: random.Random, cast: Cast, projects: list[SeededProject], today: date) -> list[Occasion]:
    """Kickoffs, sampled published reports, accepted milestones and closeouts, then each client's own."""
    window_start = reporting_window_start(today)
    occasions = []
    for seeded in projects:
        client, project = seeded.client, seeded.project
        if window_start <= project.start_date:
            occasions.extend(
                Occasion(day=project.start_date + timedelta(days=4), touchpoint=Touchpoint.KICKOFF, client=client,
                         respondent=person, trigger=InvitationTrigger.MANUAL, project=seeded)
                for person in (client.executive, client.contracting_officer)
            )
        for report in seeded.reports:
            sample_rate = 0.25 if report.cadence is ReportCadence.WEEKLY else 0.6
            if report.state is ReportState.PUBLISHED and rng.random() < sample_rate:
                occasions.append(
                    Occasion(day=report.period_end + timedelta(days=1), touchpoint=Touchpoint.STATUS_REPORT,
                             client=client, respondent=rng.choice(client.people), trigger=InvitationTrigger.EVENT,
                             project=seeded, report=report)
                )
        for milestone in seeded.milestones:
            if milestone.accepted_at is not None and window_start <= milestone.accepted_at.date():
                touchpoint = Touchpoint.MILESTONE_REVIEW
                if milestone.kind is MilestoneKind.DELIVERABLE:
                    touchpoint = Touchpoint.DELIVERABLE_ACCEPTANCE
                accepter = next(p for p in client.people if p.id == milestone.accepted_by_id)
                occasions.append(
                    Occasion(day=milestone.accepted_at.date(), touchpoint=touchpoint, client=client,
                             respondent=accepter, trigger=InvitationTrigger.EVENT, project=seeded, milestone=milestone)
                )
        if project.status is ProjectStatus.CLOSED and window_start <= project.end_date:
            occasions.extend(
                Occasion(day=project.end_date + timedelta(days=10), touchpoint=Touchpoint.CLOSEOUT, client=client,
                         respondent=person, trigger=InvitationTrigger.MANUAL, project=seeded)
                for person in (client.executive, client.contracting_officer)
            )
    for client in cast.clients:
        occasions.extend(_client_occasions(rng=rng, client=client, projects=projects, today=today))
    return [occasion for occasion in occasions if occasion.day < today]


def _client_occasions(
    *, rng: random.Random, client: ClientCast, projects: list[SeededProject], today: date
) -> list[Occasion]:
    """Relationship surveys, steering meetings, support requests and feedback left on the status site."""
    window_start = reporting_window_start(today)
    occasions = []
    for quarter in range(4):
        occasions.extend(
            Occasion(day=window_start + timedelta(days=30 + 91 * quarter), touchpoint=Touchpoint.GENERAL,
                     client=client, respondent=person, trigger=InvitationTrigger.MANUAL)
            for person in client.people
        )
    meeting_day = window_start + timedelta(days=rng.randint(3, 20))
    while meeting_day < today:
        occasions.append(
            Occasion(day=meeting_day, touchpoint=Touchpoint.MEETING, client=client,
                     respondent=rng.choice(client.people), trigger=None,
                     project=_active_project(rng=rng, client=client, projects=projects, day=meeting_day))
        )
        meeting_day += timedelta(days=rng.randint(28, 42))
    for _ in range(3):
        support_day = window_start + timedelta(days=rng.randint(1, 360))
        occasions.append(
            Occasion(day=support_day, touchpoint=Touchpoint.SUPPORT, client=client,
                     respondent=rng.choice((*client.contacts, None)), trigger=None,
                     project=_active_project(rng=rng, client=client, projects=projects, day=support_day))
        )
    for _ in range(2):
        occasions.append(
            Occasion(day=window_start + timedelta(days=rng.randint(1, 360)), touchpoint=Touchpoint.GENERAL,
                     client=client, respondent=rng.choice((*client.people, None)), trigger=None)
        )
    return occasions


def _active_project(
    *, rng: random.Random, client: ClientCast, projects: list[SeededProject], day: date
) -> SeededProject | None:
    active = [s for s in projects if s.client is client and s.project.start_date <= day <= s.project.end_date]
    return rng.choice(active) if active else None


def _invitation(*, rng: random.Random, occasion: Occasion, cast: Cast) -> SurveyInvitation:
    if occasion.report is not None and occasion.report.published_at is not None:
        sent_at = occasion.report.published_at + timedelta(minutes=5)
    elif occasion.milestone is not None and occasion.milestone.accepted_at is not None:
        sent_at = occasion.milestone.accepted_at + timedelta(minutes=5)
    else:
        sent_at = at_utc(occasion.day, rng.randint(13, 16), rng.choice((0, 5, 30)))
    sender = occasion.project.manager if occasion.project else cast.cx_lead
    return SurveyInvitation(
        client_id=occasion.client.organization.id,
        project_id=occasion.project.project.id if occasion.project else None,
        contact_id=occasion.respondent.id if occasion.respondent else None,
        touchpoint=occasion.touchpoint,
        trigger=occasion.trigger,
        report_id=occasion.report.id if occasion.report else None,
        milestone_id=occasion.milestone.id if occasion.milestone else None,
        token_id=f"{rng.getrandbits(128):032x}",
        max_uses=1,
        uses=0,
        expires_at=sent_at + timedelta(days=INVITATION_DAYS),
        sent_at=sent_at,
        created_by_id=sender.id if occasion.trigger is InvitationTrigger.MANUAL else None,
    )


def _health_on(*, occasion: Occasion, projects: list[SeededProject]) -> Health:
    """The project's overall health that day; for the client as a whole, its worst running project's."""
    if occasion.project is not None:
        return occasion.project.health_on(occasion.day)[0]
    running = [
        s.health_on(occasion.day)[0]
        for s in projects
        if s.client is occasion.client and s.project.start_date <= occasion.day <= s.project.end_date
    ]
    return max(running, key=list(Health).index, default=Health.GREEN)


def _response(
    *,
    rng: random.Random,
    occasion: Occasion,
    health: Health,
    invitation: SurveyInvitation | None,
    submitted_at: datetime,
) -> Response:
    sentiment = rng.choices((texts.POSITIVE, texts.NEUTRAL, texts.NEGATIVE), weights=MOOD[health])[0]
    scales = SCALES[occasion.touchpoint]
    if len(scales) > 1 and rng.random() < 0.1:
        scales = scales[:1]
    scores = {scale: rng.choice(SCORES[sentiment][scale]) for scale in scales}
    comment = ""
    pain_points: tuple[str, ...] = ()
    if sentiment != texts.POSITIVE or rng.random() < 0.75:
        comment, pain_points = rng.choice(texts.COMMENTS[occasion.touchpoint][sentiment])
    if invitation is not None:
        channel = FeedbackChannel.SURVEY_LINK
    elif occasion.touchpoint is Touchpoint.MEETING:
        channel = rng.choice((FeedbackChannel.INTERVIEW, FeedbackChannel.INTERVIEW, FeedbackChannel.SITE_LINK))
    elif occasion.touchpoint is Touchpoint.SUPPORT:
        channel = rng.choice((FeedbackChannel.SITE_LINK, FeedbackChannel.API))
    else:
        channel = FeedbackChannel.SITE_LINK
    feedback = Feedback(
        client_id=occasion.client.organization.id,
        project_id=occasion.project.project.id if occasion.project else None,
        touchpoint=occasion.touchpoint,
        csat=scores.get("csat"),
        nps=scores.get("nps"),
        ces=scores.get("ces"),
        comment=comment,
        pain_points=list(pain_points),
        channel=channel,
        respondent_id=occasion.respondent.id if occasion.respondent else None,
        report_id=occasion.report.id if occasion.report else None,
        milestone_id=occasion.milestone.id if occasion.milestone else None,
        invitation_id=invitation.id if invitation else None,
        submitted_at=submitted_at,
    )
    return Response(feedback=feedback, sentiment=sentiment, project=occasion.project)
