"""Two clients with their people, a PMO with its staff, helpers for CX tests, and survey links served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from api.auth.models import Role, User
from api.auth.principal import Grant, Principal
from api.cx.action_items.models import ActionItem
from api.cx.feedback.models import Feedback
from api.cx.models import Touchpoint
from api.cx.surveys.models import InvitationTrigger, SurveyInvitation
from api.cx.surveys.service import issue_invitation
from api.cx.surveys.site_links import site_survey_links
from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import Project
from api.settings import Settings
from tests.fixtures.browser import serving_app
from tests.fixtures.factories import (
    make_client,
    make_organization,
    make_project,
    make_user,
)
from tests.fixtures.graphql import count_rows  # noqa: F401 - used by this package's tests
from tests.fixtures.graphql import counted_statements as counting_statements  # noqa: F401
from tests.fixtures.graphql import global_id as gid  # noqa: F401


@dataclass
class World:
    alpha: Organization
    beta: Organization
    alpha_project: Project
    beta_project: Project
    manager: User
    alpha_person: User
    beta_person: User
    staff: Principal
    alpha_contact: Principal
    beta_contact: Principal
    subcontractor: Principal


def principal_of(user: User | None, organization: Organization, role: Role) -> Principal:
    """A principal holding `role` in `organization`, acting as `user` when given."""
    return Principal(grants=(Grant(organization_id=organization.id, role=role),), user_id=user.id if user else None)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    sub = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    alpha = await make_client(session, slug="alpha", name="Alpha Agency")
    beta = await make_client(session, slug="beta", name="Beta Bureau")
    manager = await make_user(session, organization=pmo, role=Role.PMO_STAFF, email="pm@pmo.example", name="Pat Manager")
    alpha_person = await make_user(session, organization=alpha, role=Role.CLIENT_CONTACT, email="ann@alpha.example",
                                   name="Ann Alpha")
    beta_person = await make_user(session, organization=beta, role=Role.CLIENT_CONTACT, email="ben@beta.example",
                                  name="Ben Beta")
    return World(
        alpha=alpha,
        beta=beta,
        alpha_project=await make_project(session, client=alpha, code="A-1", manager_id=manager.id),
        beta_project=await make_project(session, client=beta, code="B-1", manager_id=manager.id),
        manager=manager,
        alpha_person=alpha_person,
        beta_person=beta_person,
        staff=principal_of(manager, pmo, Role.PMO_STAFF),
        alpha_contact=principal_of(alpha_person, alpha, Role.CLIENT_CONTACT),
        beta_contact=principal_of(beta_person, beta, Role.CLIENT_CONTACT),
        subcontractor=principal_of(None, sub, Role.SUBCONTRACTOR),
    )


@dataclass(frozen=True)
class Link:
    """A survey link as the app's path, with the invitation behind it."""

    path: str
    invitation_id: int
    contact_id: int | None
    project_id: int


async def survey_link(settings: Settings, *, touchpoint: Touchpoint = Touchpoint.STATUS_REPORT, max_uses: int = 1,
                      age: timedelta = timedelta(0), lifetime: timedelta = timedelta(days=14),
                      site: bool = False) -> Link:
    """Commit a new client with a project, a contact and one survey link (a contact's, or the site-wide one)."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            client = await make_client(session)
            contact = await make_user(session, organization=client, role=Role.CLIENT_CONTACT)
            manager = await make_user(session, organization=client, role=Role.CLIENT_EXECUTIVE)
            project = await make_project(session, client=client, manager_id=manager.id)
            if site:
                links = await site_survey_links(session, settings=settings, client_id=client.id)
                link = links[touchpoint]
                invitation_id = await session.scalar(select(SurveyInvitation.id).where(
                    SurveyInvitation.client_id == client.id, SurveyInvitation.touchpoint == touchpoint))
                contact_id = None
            else:
                sent_at = (utcnow() - age).replace(microsecond=0)
                invitation = SurveyInvitation(
                    client_id=client.id, project_id=project.id, contact_id=contact.id, touchpoint=touchpoint,
                    trigger=InvitationTrigger.EVENT, max_uses=max_uses, sent_at=sent_at, expires_at=sent_at + lifetime)
                issued = await issue_invitation(session, principal=None, settings=settings, invitation=invitation)
                link, invitation_id, contact_id = issued.link, issued.invitation.id, contact.id
            await session.commit()
            return Link(path=link.removeprefix(settings.public_url.rstrip("/")), invitation_id=invitation_id,
                        contact_id=contact_id, project_id=project.id)
    finally:
        await engine.dispose()


async def stored_answers(settings: Settings) -> tuple[list[Feedback], int, SurveyInvitation | None]:
    """Every stored feedback row, the number of action items, and the latest invitation."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            feedback = list(await session.scalars(select(Feedback)))
            items = await session.scalar(select(func.count(ActionItem.id)))
            invitation = await session.scalar(select(SurveyInvitation).order_by(SurveyInvitation.id.desc()).limit(1))
            return feedback, items or 0, invitation
    finally:
        await engine.dispose()


@pytest.fixture
def served(app_settings: Settings) -> Iterator[str]:
    """The app under uvicorn on a free local port: its base URL."""
    with serving_app(create_app(app_settings)) as base_url:
        yield base_url
