"""A client with two people and a draft report, committed to a database of the test's own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Principal
from api.organizations.models import OrganizationKind
from api.reports import service as report_service
from tests.fixtures.factories import make_client, make_organization, make_project, make_status_report, make_user
from tests.fixtures.graphql import principal


@dataclass(frozen=True)
class World:
    staff: Principal
    pmo_id: int
    staff_user_id: int
    client_id: int
    contact_ids: tuple[int, int]
    report_id: int


async def make_world(session: AsyncSession) -> World:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    staff_user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
    client = await make_client(session, slug="harbor")
    contact = await make_user(session, organization=client, role=Role.CLIENT_CONTACT)
    executive = await make_user(session, organization=client, role=Role.CLIENT_EXECUTIVE)
    report = await make_status_report(session, project=await make_project(session, client=client))
    await session.commit()
    return World(staff=principal(pmo.id, Role.PMO_STAFF, user_id=staff_user.id), pmo_id=pmo.id,
                 staff_user_id=staff_user.id, client_id=client.id,
                 contact_ids=(contact.id, executive.id), report_id=report.id)


async def publish(session: AsyncSession, world: World) -> None:
    """Publish the world's report and commit, as the publishStatusReport mutation does."""
    await report_service.publish_status_report(session, principal=world.staff, report_id=world.report_id)
    await session.commit()
