"""The demo data set's feedback and survey invitations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.feedback.models import FeedbackChannel
from api.cx.models import Touchpoint
from api.demo.feedback_texts import PAIN_POINTS
from api.models import Feedback, Milestone, Project, Role, StatusReport, SurveyInvitation
from api.projects.models import MilestoneStatus
from api.reports.models import ReportState
from tests.api.demo.conftest import TODAY, WINDOW_START, all_of, roles_by_user


async def test_feedback_covers_every_touchpoint_over_the_year_mostly_positive(demo: AsyncSession) -> None:
    feedback = await all_of(demo, Feedback)
    csat = [f.csat for f in feedback if f.csat is not None]
    nps = [f.nps for f in feedback if f.nps is not None]

    assert {f.touchpoint for f in feedback} == set(Touchpoint)
    assert all(WINDOW_START <= f.submitted_at.date() < TODAY for f in feedback)
    assert len({f.submitted_at.strftime("%Y-%m") for f in feedback}) >= 12
    assert sum(1 for score in csat if score >= 4) / len(csat) >= 0.6
    assert sum(1 for score in csat if score <= 2) >= 3
    assert sum(1 for score in nps if score >= 9) > sum(1 for score in nps if score <= 6) >= 3
    ces = {f.ces for f in feedback if f.ces is not None}
    assert len(ces) >= 5 and min(ces) <= 3 and max(ces) == 7
    assert sum(1 for f in feedback if f.comment) >= len(feedback) * 0.6
    assert len({f.comment for f in feedback}) >= 20
    tags = [tag for f in feedback for tag in f.pain_points]
    assert set(tags) <= set(PAIN_POINTS) and len(set(tags)) >= 5
    assert all(f.comment for f in feedback if f.pain_points)
    assert len({f.channel for f in feedback}) >= 3
    assert sum(1 for f in feedback if f.report_id) >= 5 and sum(1 for f in feedback if f.milestone_id) >= 5


async def test_feedback_links_point_at_the_same_client(demo: AsyncSession) -> None:
    feedback = await all_of(demo, Feedback)
    roles = await roles_by_user(demo)
    projects = {p.id: p for p in await all_of(demo, Project)}
    reports = {r.id: r for r in await all_of(demo, StatusReport)}
    milestones = {m.id: m for m in await all_of(demo, Milestone)}
    invitations = {i.id: i for i in await all_of(demo, SurveyInvitation)}

    assert sum(1 for f in feedback if f.respondent_id) >= len(feedback) * 0.75
    for f in feedback:
        if f.respondent_id:
            role, organization = roles[f.respondent_id][0]
            assert organization.id == f.client_id and role in (Role.CLIENT_EXECUTIVE, Role.CLIENT_CONTACT)
        if f.project_id:
            assert projects[f.project_id].client_id == f.client_id
        if f.report_id:
            report = reports[f.report_id]
            assert report.project_id == f.project_id and report.state is ReportState.PUBLISHED
            assert report.published_at < f.submitted_at
        if f.milestone_id:
            assert milestones[f.milestone_id].project_id == f.project_id
            assert milestones[f.milestone_id].status is MilestoneStatus.ACCEPTED
        assert (f.invitation_id is not None) == (f.channel is FeedbackChannel.SURVEY_LINK)
        if f.invitation_id:
            invitation = invitations[f.invitation_id]
            assert (invitation.touchpoint, invitation.contact_id) == (f.touchpoint, f.respondent_id)
            assert invitation.responded_at == f.submitted_at and invitation.uses == 1


async def test_survey_invitations_are_partly_answered(demo: AsyncSession) -> None:
    invitations = await all_of(demo, SurveyInvitation)
    answered_ids = set(await demo.scalars(select(Feedback.invitation_id).where(Feedback.invitation_id.is_not(None))))
    answered = [i for i in invitations if i.id in answered_ids]

    assert 0.3 <= len(answered) / len(invitations) <= 0.95
    assert len({i.trigger for i in invitations}) >= 2
    for invitation in invitations:
        assert invitation.sent_at < invitation.expires_at and invitation.sent_at.date() < TODAY
        if invitation.id in answered_ids:
            assert invitation.uses == 1 and invitation.sent_at <= invitation.responded_at <= invitation.expires_at
        else:
            assert invitation.uses == 0 and invitation.responded_at is None
