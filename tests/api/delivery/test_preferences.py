"""Notification preferences: chosen per person and client through the API, respected by every notice, and
turned off in one click from any notice (RFC 8058), with no login and nothing changed by a GET."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.auth.models import Role, User
from api.cx.surveys.models import SurveyInvitation
from api.delivery import preferences as preference_service
from api.delivery.models import DecisionNotices, ReportNotices
from api.organizations.models import OrganizationKind
from api.projects import milestone_service
from api.projects.milestone_service import MilestoneFields
from api.projects.models import MilestoneStatus
from api.settings import Settings
from tests.api.delivery.world import MailWorld, publish, react_and_send
from tests.fixtures.factories import make_client, make_organization, make_user
from tests.fixtures.graphql import data_of, global_id, principal
from tests.fixtures.mail import Inbox

PREFERENCES = "{ viewer { notificationPreferences { reportNotices decisionNotices client { slug } } } }"
UPDATE = """mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) {
  notificationPreferences { reportNotices decisionNotices client { slug } } userErrors { field message code } } }"""



async def test_a_person_sees_and_changes_their_own_preferences_per_client(session: AsyncSession) -> None:
    harbor, parks = await make_client(session, slug="harbor"), await make_client(session, slug="parks")
    person = await make_user(session, organization=harbor, role=Role.CLIENT_CONTACT)
    contact = principal(harbor.id, Role.CLIENT_CONTACT, user_id=person.id)
    viewed = await data_of(session, contact, PREFERENCES)
    assert viewed["viewer"]["notificationPreferences"] == [
        {"reportNotices": "EACH", "decisionNotices": "ON", "client": {"slug": "harbor"}}]

    changed = await data_of(session, contact, UPDATE, input={"clientId": global_id("Client", harbor.id),
                                                             "reportNotices": "WEEKLY_DIGEST"})
    assert changed["updateNotificationPreferences"] == {"userErrors": [], "notificationPreferences": {
        "reportNotices": "WEEKLY_DIGEST", "decisionNotices": "ON", "client": {"slug": "harbor"}}}
    again = await data_of(session, contact, UPDATE, input={"clientId": global_id("Client", harbor.id),
                                                           "decisionNotices": "OFF"})
    assert again["updateNotificationPreferences"]["notificationPreferences"]["reportNotices"] == "WEEKLY_DIGEST"
    assert (await data_of(session, contact, PREFERENCES))["viewer"]["notificationPreferences"] == [
        {"reportNotices": "WEEKLY_DIGEST", "decisionNotices": "OFF", "client": {"slug": "harbor"}}]

    refused = await data_of(session, contact, UPDATE, input={"clientId": global_id("Client", parks.id),
                                                             "reportNotices": "OFF"})
    assert refused["updateNotificationPreferences"] == {"notificationPreferences": None, "userErrors": [
        {"field": ["input", "clientId"], "message": "you receive no notices about this client", "code": "FORBIDDEN"}]}
    wrong_id = await data_of(session, contact, UPDATE, input={"clientId": global_id("Project", harbor.id),
                                                              "reportNotices": "OFF"})
    assert wrong_id["updateNotificationPreferences"]["userErrors"][0]["code"] == "INVALID"


async def test_pmo_staff_receive_no_client_notices_and_have_no_preferences_to_set(session: AsyncSession) -> None:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    harbor = await make_client(session, slug="harbor")
    staff_user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
    staff = principal(pmo.id, Role.PMO_STAFF, user_id=staff_user.id)
    assert (await data_of(session, staff, PREFERENCES))["viewer"]["notificationPreferences"] == []
    refused = await data_of(session, staff, UPDATE, input={"clientId": global_id("Client", harbor.id),
                                                           "reportNotices": "OFF"})
    assert refused["updateNotificationPreferences"]["userErrors"][0]["code"] == "FORBIDDEN"


async def _user_id(sessions: async_sessionmaker[AsyncSession], email: str) -> int:
    async with sessions() as session:
        return await session.scalar(select(User.id).where(User.email == email))


async def test_people_who_turned_notices_off_or_read_the_digest_get_no_report_mail_and_no_invitation(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    contact, executive = (await _user_id(sessions, world.contact_email),
                          await _user_id(sessions, world.executive_email))
    async with sessions() as session:
        await preference_service.set_preferences(session, user_id=contact, client_id=world.client_id,
                                                 principal=None, report_notices=ReportNotices.OFF)
        await preference_service.set_preferences(session, user_id=executive, client_id=world.client_id,
                                                 principal=None, report_notices=ReportNotices.WEEKLY_DIGEST)
        await session.commit()
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    assert smtp_server.messages == []
    async with sessions() as session:
        assert list(await session.scalars(select(SurveyInvitation))) == []


async def test_decision_notices_off_spares_that_person_the_review_mail(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    async with sessions() as session:
        await preference_service.set_preferences(session, user_id=await _user_id(sessions, world.contact_email),
                                                 client_id=world.client_id, principal=None,
                                                 decision_notices=DecisionNotices.OFF)
        await milestone_service.update_milestone(session, principal=world.staff, milestone_id=world.deliverable_id,
                                                 fields=MilestoneFields(status=MilestoneStatus.SUBMITTED))
        await session.commit()
    await react_and_send(sessions, app_settings, smtp_server.transport())
    assert [message["To"] for message in smtp_server.messages] == [world.executive_email]


async def test_one_click_unsubscribe_works_without_login_and_a_get_changes_nothing(
        sessions: async_sessionmaker[AsyncSession], world: MailWorld, app_settings: Settings,
        smtp_server: Inbox) -> None:
    await publish(sessions, world)
    await react_and_send(sessions, app_settings, smtp_server.transport())
    message = smtp_server.to(world.contact_email)[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{app_settings.public_url}/unsubscribe/")
    path = link.removeprefix(app_settings.public_url)
    contact = await _user_id(sessions, world.contact_email)

    async def report_notices() -> ReportNotices:
        async with sessions() as session:
            found = await preference_service.preferences_of(session, client_id=world.client_id, user_ids=[contact])
            return found[contact].report_notices

    with TestClient(create_app(app_settings)) as client:
        page = client.get(path)
        assert page.status_code == 200 and '<form method="post">' in page.text
        assert await report_notices() is ReportNotices.EACH
        done = client.post(path, data={"List-Unsubscribe": "One-Click"}, follow_redirects=False)
        assert done.status_code == 200 and "unsubscribed" in done.text
        assert await report_notices() is ReportNotices.OFF
        assert client.post(path[:-4] + "AAAA").status_code == 404
        assert client.get("/unsubscribe/not-a-token").status_code == 404
    assert await report_notices() is ReportNotices.OFF
