"""Decisions reach the client by email: a milestone awaiting acceptance, and the survey invitations an accepted
deliverable and a closed project issue (each in one mail, to the people the event invited)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import User
from api.cx.models import Touchpoint
from api.cx.surveys.models import SurveyInvitation
from api.delivery.models import Delivery, DeliveryState, NoticeKind
from api.kit.columns import utcnow
from api.organizations.models import Organization
from api.projects import milestone_service
from api.projects import service as project_service
from api.projects.milestone_service import MilestoneFields
from api.projects.models import MilestoneStatus, ProjectStatus
from api.projects.service import ProjectFields
from api.settings import Settings
from tests.api.delivery.world import CANARIES, MailWorld, react_and_send
from tests.fixtures.factories import make_invitation
from tests.fixtures.mail import Inbox


async def _submit(sessions: async_sessionmaker[AsyncSession], world: MailWorld) -> None:
    async with sessions() as session:
        await milestone_service.update_milestone(session, principal=world.staff, milestone_id=world.deliverable_id,
                                                 fields=MilestoneFields(status=MilestoneStatus.SUBMITTED))
        await session.commit()


def _text(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content()


async def test_a_milestone_submitted_for_acceptance_asks_the_clients_people_to_review_it(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await _submit(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([world.contact_email, world.executive_email])
    message = smtp_server.messages[0]
    assert message["Subject"] == f"{world.project_code} deliverable for your review: Training kit"
    text = _text(message)
    assert "Guides and recorded sessions for the pilot users." in text
    assert re.search(r"http://\S+/harbor-key\d+/projects/har-7\.html", text)
    for canary in CANARIES:
        assert canary not in message.as_string()


async def test_an_accepted_deliverable_mails_each_invited_person_their_acceptance_survey(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await _submit(sessions, world)
    transport = smtp_server.transport()
    await react_and_send(sessions, app_settings, transport)
    async with sessions() as session:
        await milestone_service.update_milestone(session, principal=world.contact, milestone_id=world.deliverable_id,
                                                 fields=MilestoneFields(status=MilestoneStatus.ACCEPTED))
        await session.commit()
    await react_and_send(sessions, app_settings, transport)

    surveys = [m for m in smtp_server.messages if "How well does Training kit serve you?" in m["Subject"]]
    assert sorted(m["To"] for m in surveys) == sorted([world.contact_email, world.executive_email])
    async with sessions() as session:
        invitations = list(await session.scalars(select(SurveyInvitation).where(
            SurveyInvitation.touchpoint == Touchpoint.DELIVERABLE_ACCEPTANCE)))
        deliveries = list(await session.scalars(select(Delivery).where(
            Delivery.kind == NoticeKind.ACCEPTANCE_SURVEY)))
    assert len(invitations) == 2
    assert {d.invitation_id for d in deliveries} == {i.id for i in invitations}
    assert {d.state for d in deliveries} == {DeliveryState.SENT}
    assert all(len(re.findall(r"/s/[\w.-]+", _text(m))) == 1 for m in surveys)


async def test_a_closed_project_mails_its_closeout_survey_once_and_only_to_those_invited(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    async with sessions() as session:  # the executive was asked a week ago: the frequency cap spares them
        executive = await session.scalar(select(User).where(User.email == world.executive_email))
        client = await session.get(Organization, world.client_id)
        await make_invitation(session, client=client, contact_id=executive.id, sent_at=utcnow() - timedelta(days=7),
                              expires_at=utcnow() + timedelta(days=7))
        await session.commit()
    async with sessions() as session:
        await project_service.update_project(session, principal=world.staff, project_id=world.project_id,
                                             fields=ProjectFields(status=ProjectStatus.CLOSED))
        await session.commit()
    transport = smtp_server.transport()
    await react_and_send(sessions, app_settings, transport)
    await react_and_send(sessions, app_settings, transport)
    assert [m["To"] for m in smtp_server.messages] == [world.contact_email]
    assert smtp_server.messages[0]["Subject"] == "HAR-7: Harbor Modernization is complete: how did we do?"
