"""createSurveyInvitation and surveyInvitations: signed links, the frequency cap, PMO staff only."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.audit.models import AuditEvent
from api.auth.models import Role
from api.auth.principal import Grant, Principal
from api.auth.tokens import verify_token
from api.cx.models import Touchpoint
from api.cx.surveys.models import SurveyInvitation
from api.cx.surveys.service import SURVEY_TOKEN, InvitationRequest, IssuedInvitation, create_survey_invitation
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.kit.errors import Conflict
from api.organizations.models import OrganizationKind
from api.settings import Settings
from tests.api.cx.conftest import World, count_rows, gid
from tests.fixtures.factories import make_client, make_invitation, make_organization, make_user
from tests.fixtures.graphql import data_of, execute

CREATE = """
mutation($input: CreateSurveyInvitationInput!) {
  createSurveyInvitation(input: $input) {
    surveyInvitation {
      id touchpoint trigger maxUses uses expiresAt sentAt contact { name } project { code } client { slug }
    }
    link
    userErrors { field message code }
  }
}"""
LIST = "query { surveyInvitations(first: 20) { totalCount edges { node { id touchpoint contact { name } } } } }"


def _input(world: World, **extra: object) -> dict:
    return {"clientId": gid("Client", world.alpha.id), "touchpoint": "KICKOFF", **extra}


async def test_staff_create_an_invitation_with_a_signed_link_shown_once(session: AsyncSession, world: World) -> None:
    payload = (await data_of(session, world.staff, CREATE, input=_input(
        world, contactEmail="ann@alpha.example", projectId=gid("Project", world.alpha_project.id), ttlSeconds=7200,
        maxUses=3)))["createSurveyInvitation"]
    assert payload["userErrors"] == []
    invitation = payload["surveyInvitation"]
    assert (invitation["trigger"], invitation["maxUses"], invitation["uses"]) == ("MANUAL", 3, 0)
    assert invitation["contact"] == {"name": "Ann Alpha"} and invitation["project"] == {"code": "A-1"}
    settings = Settings()
    prefix = f"{settings.public_url}/s/"
    assert payload["link"].startswith(prefix)
    verified = verify_token(payload["link"].removeprefix(prefix), settings=settings, token_type=SURVEY_TOKEN)
    row = await session.scalar(select(SurveyInvitation))
    assert verified.subject == row.token_id and verified.claims["touchpoint"] == "KICKOFF"
    assert verified.expires_at == row.expires_at == datetime.fromisoformat(invitation["expiresAt"])
    assert row.expires_at - row.sent_at == timedelta(hours=2)
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "survey_invitation.create"))
    assert event.object_id == row.id and "link" not in event.details
    listed = await data_of(session, world.staff, LIST)
    assert listed["surveyInvitations"]["totalCount"] == 1
    assert "link" not in str(listed)


async def test_a_contact_is_not_invited_twice_within_the_frequency_cap(session: AsyncSession, world: World) -> None:
    first = await data_of(session, world.staff, CREATE, input=_input(world, contactEmail="ann@alpha.example"))
    assert first["createSurveyInvitation"]["userErrors"] == []
    again = (await data_of(session, world.staff, CREATE, input=_input(
        world, contactEmail="ann@alpha.example", touchpoint="MEETING")))["createSurveyInvitation"]
    assert again["surveyInvitation"] is None and again["link"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [(["input", "contactEmail"], "CONFLICT")]
    assert "14-day frequency cap" in again["userErrors"][0]["message"]
    assert await count_rows(session, SurveyInvitation) == 1
    colleague = await make_user(session, organization=world.alpha, role=world.alpha_contact.grants[0].role,
                                email="cy@alpha.example")
    other = await data_of(session, world.staff, CREATE, input=_input(world, contactEmail=colleague.email))
    assert other["createSurveyInvitation"]["userErrors"] == []
    anonymous = await data_of(session, world.staff, CREATE, input=_input(world))
    assert anonymous["createSurveyInvitation"]["userErrors"] == []


async def test_the_cap_lets_a_contact_be_invited_again_once_it_has_passed(session: AsyncSession, world: World) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=15)
    await make_invitation(session, client=world.alpha, contact_id=world.alpha_person.id, sent_at=long_ago,
                          expires_at=long_ago + timedelta(days=14))
    payload = await data_of(session, world.staff, CREATE, input=_input(world, contactEmail="ann@alpha.example"))
    assert payload["createSurveyInvitation"]["userErrors"] == []
    await make_invitation(session, client=world.alpha, contact_id=world.beta_person.id,
                          sent_at=datetime.now(UTC) - timedelta(days=13), expires_at=datetime.now(UTC))
    capped = await data_of(session, world.staff, CREATE, input={
        "clientId": gid("Client", world.beta.id), "touchpoint": "KICKOFF", "contactEmail": "ben@beta.example"})
    assert capped["createSurveyInvitation"]["userErrors"][0]["code"] == "CONFLICT"


async def test_refused_input_stores_nothing(session: AsyncSession, world: World) -> None:
    cases = [
        (_input(world, ttlSeconds=3600, expiresAt="2030-01-01T00:00:00+00:00"), "ttlSeconds", "INVALID"),
        (_input(world, ttlSeconds=60), "ttlSeconds", "INVALID"),
        (_input(world, maxUses=0), "maxUses", "INVALID"),
        (_input(world, contactEmail="ben@beta.example"), "contactEmail", "NOT_FOUND"),
        (_input(world, projectId=gid("Project", world.beta_project.id)), "projectId", "NOT_FOUND"),
    ]
    for values, field, code in cases:
        payload = (await data_of(session, world.staff, CREATE, input=values))["createSurveyInvitation"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)], values
    assert await count_rows(session, SurveyInvitation) == 0
    assert await count_rows(session, AuditEvent) == 0


async def test_invitations_are_for_pmo_staff_only(session: AsyncSession, world: World) -> None:
    invitation = await make_invitation(session, client=world.alpha, contact_id=world.alpha_person.id)
    refused = await data_of(session, world.alpha_contact, CREATE, input=_input(world))
    assert refused["createSurveyInvitation"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await data_of(session, world.alpha_contact, LIST))["surveyInvitations"]["totalCount"] == 0
    query = "query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }"
    hidden = await execute(session, world.alpha_contact, query, id=gid("SurveyInvitation", invitation.id))
    missing = await execute(session, world.alpha_contact, query, id=gid("SurveyInvitation", 999_999))
    assert hidden.errors is None and hidden.data == missing.data == {"node": None, "nodes": [None]}
    seen = await data_of(session, world.staff, query, id=gid("SurveyInvitation", invitation.id))
    assert seen["node"] == {"id": gid("SurveyInvitation", invitation.id)}


async def _invite_ann(session: AsyncSession, staff: Principal, client_id: int) -> IssuedInvitation:
    request = InvitationRequest(client_id=client_id, touchpoint=Touchpoint.MEETING, contact_email="ann@alpha.example")
    return await create_survey_invitation(session, principal=staff, settings=Settings(), request=request)


async def _waiting_for_a_lock(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))


async def _race_two_invitations(url: str) -> tuple[int, list[object]]:
    """Invite one contact from two transactions at once on PostgreSQL: the second starts before the first commits."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as setup:
            pmo = await make_organization(setup, kind=OrganizationKind.PMO)
            staff_user = await make_user(setup, organization=pmo, role=Role.PMO_STAFF)
            alpha = await make_client(setup, slug="alpha")
            await make_user(setup, organization=alpha, role=Role.CLIENT_CONTACT, email="ann@alpha.example")
            await setup.commit()
        staff = Principal(grants=(Grant(organization_id=pmo.id, role=Role.PMO_STAFF),), user_id=staff_user.id)
        sessions = create_session_factory(engine)
        async with sessions() as first, sessions() as second:
            await _invite_ann(first, staff, alpha.id)  # holds its transaction open

            async def then_second() -> object:
                try:
                    await _invite_ann(second, staff, alpha.id)
                    await second.commit()
                    return "invited"
                except Conflict as refused:
                    await second.rollback()
                    return refused

            racing = asyncio.ensure_future(then_second())
            deadline = asyncio.get_running_loop().time() + 10
            while not racing.done() and not await _waiting_for_a_lock(engine):
                assert asyncio.get_running_loop().time() < deadline, "the second invitation neither ran nor waited"
                await asyncio.sleep(0.02)
            await first.commit()
            outcome = await racing
        async with sessions() as check:
            return await check.scalar(select(func.count(SurveyInvitation.id))) or 0, [outcome]
    finally:
        await engine.dispose()


def test_two_concurrent_invitations_of_one_contact_let_exactly_one_through(fresh_postgres_database_url: str) -> None:
    upgrade_database(fresh_postgres_database_url)
    stored, [outcome] = asyncio.run(_race_two_invitations(fresh_postgres_database_url))
    assert stored == 1
    assert isinstance(outcome, Conflict) and "frequency cap" in outcome.message
