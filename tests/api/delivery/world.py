"""A client whose people receive notices, with canaries in everything they must never read, on a committed database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import Role
from api.auth.principal import Principal
from api.delivery.mail import MailTransport
from api.delivery.sender import send_due_deliveries
from api.flows.runner import run_due_reactions
from api.organizations.models import OrganizationKind
from api.projects.models import Health, MilestoneKind, RiskStatus, Visibility
from api.reports import service as report_service
from api.settings import Settings
from tests.fixtures.factories import (
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_status_report,
    make_user,
)
from tests.fixtures.graphql import principal

INTERNAL_NOTE = "CANARY-INTERNAL-NOTE: the client's CIO is hard to work with"
INTERNAL_RISK = "CANARY-INTERNAL-RISK key engineer resigning"
CLOSED_RISK = "Closed risk about the old data centre"
OPEN_RISK = "Permit approval may slip"
OTHER_CLIENT = "Canary Rival Authority"
BUDGET = Decimal("7654321.00")  # financials are not shared with this client
CANARIES = (INTERNAL_NOTE, INTERNAL_RISK, CLOSED_RISK, OTHER_CLIENT, "7654321", "7,654,321")


@dataclass(frozen=True)
class MailWorld:
    staff: Principal
    client_id: int
    contact_email: str
    executive_email: str
    inactive_email: str
    subcontractor_email: str
    other_client_email: str
    project_code: str
    project_id: int
    deliverable_id: int
    contact: Principal
    report_id: int
    report_title: str


async def make_mail_world(session: AsyncSession) -> MailWorld:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    staff_user = await make_user(session, organization=pmo, role=Role.PMO_STAFF, email="pm@pmo.example")
    client = await make_client(session, slug="harbor", name="Harbor Authority")
    contact = await make_user(session, organization=client, role=Role.CLIENT_CONTACT, email="co@harbor.example",
                              name="Casey Officer")
    executive = await make_user(session, organization=client, role=Role.CLIENT_EXECUTIVE, email="exec@harbor.example")
    inactive = await make_user(session, organization=client, role=Role.CLIENT_CONTACT, email="gone@harbor.example")
    inactive.is_active = False
    vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    subcontractor = await make_user(session, organization=vendor, role=Role.SUBCONTRACTOR, email="sub@vendor.example")
    rival = await make_client(session, slug="rival", name=OTHER_CLIENT)
    rival_contact = await make_user(session, organization=rival, role=Role.CLIENT_CONTACT, email="co@rival.example")
    project = await make_project(session, client=client, code="HAR-7", name="Harbor Modernization",
                                 budget_at_completion=BUDGET, financials_shared=False, health_overall=Health.AMBER,
                                 manager_id=staff_user.id)
    await make_project(session, client=rival, code="RIV-1", name=f"{OTHER_CLIENT} project")
    await make_milestone(session, project=project, name="Pilot go-live")
    deliverable = await make_milestone(session, project=project, name="Training kit", kind=MilestoneKind.DELIVERABLE,
                                       description="Guides and recorded sessions for the pilot users.",
                                       baseline_date=date(2026, 7, 1), forecast_date=date(2026, 7, 1))
    await make_risk(session, project=project, title=OPEN_RISK, mitigation="Early filing with the port authority")
    await make_risk(session, project=project, title=INTERNAL_RISK, visibility=Visibility.INTERNAL)
    await make_risk(session, project=project, title=CLOSED_RISK, status=RiskStatus.CLOSED)
    report = await make_status_report(session, project=project, title="March status",
                                      internal_notes=INTERNAL_NOTE, summary="Steady progress <b>& on budget</b>.",
                                      accomplishments="- Data migration rehearsal done.",
                                      next_steps="- Train the pilot users.")
    await session.commit()
    return MailWorld(staff=principal(pmo.id, Role.PMO_STAFF, user_id=staff_user.id), client_id=client.id,
                     contact_email=contact.email, executive_email=executive.email, inactive_email=inactive.email,
                     subcontractor_email=subcontractor.email, other_client_email=rival_contact.email,
                     project_code=project.code, project_id=project.id, deliverable_id=deliverable.id,
                     contact=principal(client.id, Role.CLIENT_CONTACT, user_id=contact.id),
                     report_id=report.id, report_title=report.title)


async def publish(sessions: async_sessionmaker[AsyncSession], world: MailWorld) -> None:
    """Publish the report and commit, as the publishStatusReport mutation does."""
    async with sessions() as session:
        await report_service.publish_status_report(session, principal=world.staff, report_id=world.report_id)
        await session.commit()


async def react_and_send(sessions: async_sessionmaker[AsyncSession], settings: Settings,
                         transport: MailTransport) -> int:
    """Run the reactions to what was committed, then send what is due, as rapport serve does."""
    await run_due_reactions(sessions, settings=settings)
    return await send_due_deliveries(sessions, settings=settings, transport=transport)
