"""Survey invitations started by events, the frequency cap on them, and a client site's survey links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth.models import Role
from api.cx.models import Touchpoint
from api.cx.surveys import event_invitations
from api.cx.surveys.models import InvitationTrigger, SurveyInvitation
from api.cx.surveys.site_links import SITE_LINK_USES, site_survey_links
from api.projects import milestone_service
from api.projects import service as project_service
from api.projects.milestone_service import MilestoneFields
from api.projects.models import MilestoneKind, MilestoneStatus, ProjectStatus
from api.projects.service import ProjectFields
from api.reports import service as report_service
from api.settings import Settings
from tests.api.cx.conftest import World
from tests.fixtures.events import react
from tests.fixtures.factories import make_milestone, make_status_report, make_user

SETTINGS = Settings(jwt_secret="test-secret-of-at-least-thirty-two-characters")


async def _invitations(session: AsyncSession) -> list[tuple[int | None, Touchpoint, InvitationTrigger]]:
    rows = await session.scalars(select(SurveyInvitation).order_by(SurveyInvitation.contact_id))
    return [(row.contact_id, row.touchpoint, row.trigger) for row in rows]


async def test_publishing_a_report_invites_the_clients_people_once_within_the_cap(session: AsyncSession,
                                                                                world: World) -> None:
    executive = await make_user(session, organization=world.alpha, role=Role.CLIENT_EXECUTIVE)
    first = await make_status_report(session, project=world.alpha_project)
    second = await make_status_report(session, project=world.alpha_project, title="Next week")
    # Invitations are reactions to the committed events now; `react` runs them as the dispatcher would.
    await report_service.publish_status_report(session, principal=world.staff, report_id=first.id)
    await react(session, SETTINGS)
    await report_service.publish_status_report(session, principal=world.staff, report_id=second.id)
    await react(session, SETTINGS)
    rows = list(await session.scalars(select(SurveyInvitation).order_by(SurveyInvitation.contact_id)))
    assert [row.contact_id for row in rows] == [world.alpha_person.id, executive.id]
    for row in rows:
        assert (row.touchpoint, row.trigger, row.report_id, row.milestone_id) == (
            Touchpoint.STATUS_REPORT, InvitationTrigger.EVENT, first.id, None)
        assert (row.client_id, row.project_id, row.max_uses, row.uses) == (world.alpha.id, world.alpha_project.id, 1, 0)
        assert row.created_by_id == world.manager.id
    audited = await session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "survey_invitation.create"))
    assert sorted(audited) == sorted(row.id for row in rows)


async def test_accepting_a_deliverable_invites_for_acceptance(session: AsyncSession, world: World) -> None:
    deliverable = await make_milestone(session, project=world.alpha_project, kind=MilestoneKind.DELIVERABLE)
    milestone = await make_milestone(session, project=world.alpha_project, kind=MilestoneKind.MILESTONE)
    accept = MilestoneFields(status=MilestoneStatus.ACCEPTED)
    await milestone_service.update_milestone(session, principal=world.staff, milestone_id=milestone.id, fields=accept)
    await react(session, SETTINGS)
    assert await _invitations(session) == []
    await milestone_service.update_milestone(session, principal=world.staff, milestone_id=deliverable.id,
                                             fields=accept)
    await react(session, SETTINGS)
    [row] = await session.scalars(select(SurveyInvitation))
    assert (row.contact_id, row.touchpoint, row.trigger, row.milestone_id, row.report_id, row.project_id) == (
        world.alpha_person.id, Touchpoint.DELIVERABLE_ACCEPTANCE, InvitationTrigger.EVENT, deliverable.id, None,
        world.alpha_project.id)


async def test_closing_a_project_invites_for_closeout(session: AsyncSession, world: World) -> None:
    close = ProjectFields(status=ProjectStatus.CLOSED, percent_complete=100)
    await project_service.update_project(session, principal=world.staff, project_id=world.beta_project.id,
                                         fields=close)
    await react(session, SETTINGS)
    assert await _invitations(session) == [(world.beta_person.id, Touchpoint.CLOSEOUT, InvitationTrigger.EVENT)]
    await project_service.update_project(session, principal=world.staff, project_id=world.beta_project.id,
                                         fields=close)
    await react(session, SETTINGS)
    assert len(await _invitations(session)) == 1


async def test_the_frequency_cap_skips_contacts_quietly_until_it_ends(session: AsyncSession, world: World) -> None:
    start = datetime(2026, 4, 1, 9, tzinfo=UTC)
    cap = timedelta(days=SETTINGS.survey_frequency_cap_days)

    async def close_out(now: datetime) -> int:
        issued = await event_invitations.invite_for_closeout(
            session, actor_user_id=world.staff.user_id, client_id=world.alpha.id, project_id=world.alpha_project.id,
            settings=SETTINGS, now=now)
        return len(issued)

    assert [await close_out(start), await close_out(start + cap - timedelta(hours=1)),
            await close_out(start + cap + timedelta(hours=1))] == [1, 0, 1]
    assert [row[0] for row in await _invitations(session)] == [world.alpha_person.id] * 2


async def test_event_links_are_signed_survey_links(session: AsyncSession, world: World) -> None:
    [issued] = await event_invitations.invite_for_report(
        session, actor_user_id=world.staff.user_id, client_id=world.alpha.id, project_id=world.alpha_project.id,
        report_id=(await make_status_report(session, project=world.alpha_project)).id, settings=SETTINGS)
    assert issued.link.startswith(f"{SETTINGS.public_url}/s/ey")
    assert issued.invitation.expires_at - issued.invitation.sent_at == timedelta(days=SETTINGS.survey_link_ttl_days)


async def test_site_links_are_one_per_touchpoint_and_stable(session: AsyncSession, world: World) -> None:
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    links = await site_survey_links(session, settings=SETTINGS, client_id=world.alpha.id, now=now)
    assert set(links) == set(Touchpoint) and len(set(links.values())) == len(Touchpoint)
    later = await site_survey_links(session, settings=SETTINGS, client_id=world.alpha.id, now=now + timedelta(days=100))
    assert later == links
    rows = list(await session.scalars(select(SurveyInvitation)))
    assert len(rows) == len(Touchpoint)
    assert {(row.contact_id, row.trigger, row.max_uses, row.project_id) for row in rows} == {
        (None, InvitationTrigger.SITE, SITE_LINK_USES, None)}
    beta = await site_survey_links(session, settings=SETTINGS, client_id=world.beta.id, now=now)
    assert not set(beta.values()) & set(links.values())
    renewed = await site_survey_links(session, settings=SETTINGS, client_id=world.alpha.id, now=now + timedelta(days=340))
    assert not set(renewed.values()) & set(links.values())
    assert len(list(await session.scalars(select(SurveyInvitation)))) == 3 * len(Touchpoint)
