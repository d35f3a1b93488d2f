"""A project with a subcontractor, two milestones and a risk, an update request for one milestone and the risk,
and the app serving its link over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from api.app import create_app
from api.auth.models import Role
from api.auth.principal import Principal
from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import OrganizationKind
from api.projects.models import Visibility
from api.settings import Settings
from api.update_requests import service as request_service
from api.update_requests.models import UpdateRequest
from api.update_requests.service import RequestDraft
from tests.fixtures.browser import serving_app
from tests.fixtures.factories import (
    assign,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_user,
)
from tests.fixtures.graphql import principal


@dataclass(frozen=True)
class Asked:
    """An update request as its recipient receives it."""

    path: str  # the link, without the public address
    request_id: int
    project_id: int
    milestone_a: int
    milestone_b: int
    risk_id: int
    staff: Principal
    vendor: Principal
    client: Principal
    vendor_user_id: int


async def ask(settings: Settings, *, due: date | None = None, expired: bool = False) -> Asked:
    """Make the world and an update request for milestone A and the risk (not milestone B)."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            pmo = await make_organization(session, kind=OrganizationKind.PMO)
            manager = await make_user(session, organization=pmo, role=Role.PMO_STAFF, name="Pat Manager")
            client = await make_client(session, slug="harbor", name="Harbor Authority")
            vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR, name="Keystone Field")
            engineer = await make_user(session, organization=vendor, role=Role.SUBCONTRACTOR, name="Val Vendor",
                                       email="val@keystone.example")
            reader = await make_user(session, organization=client, role=Role.CLIENT_CONTACT)
            project = await make_project(session, client=client, code="HB-1", name="Berth dredging")
            await assign(session, project=project, organization=vendor)
            a = await make_milestone(session, project=project, name="Survey complete", percent_complete=20)
            b = await make_milestone(session, project=project, name="Permit granted", percent_complete=10)
            risk = await make_risk(session, project=project, visibility=Visibility.CLIENT, title="Silt levels",
                                   mitigation="Weekly soundings")
            await session.commit()
            staff = principal(pmo.id, Role.PMO_STAFF, user_id=manager.id)
            request = await request_service.create_update_request(session, principal=staff, draft=RequestDraft(
                project_id=project.id, recipient_email="val@keystone.example", milestone_ids=[a.id],
                risk_ids=[risk.id], message="Before Thursday's board, please.",
                due_date=due or utcnow().date() + timedelta(days=3)))
            if expired:
                created = utcnow() - timedelta(days=30)
                await session.execute(update(UpdateRequest).where(UpdateRequest.id == request.id).values(
                    created_at=created, expires_at=created + timedelta(days=10)))
                await session.refresh(request)
            link = request_service.update_link(request, settings=settings)
            await session.commit()
            return Asked(path=link.removeprefix(settings.public_url.rstrip("/")), request_id=request.id,
                         project_id=project.id,
                         milestone_a=a.id, milestone_b=b.id, risk_id=risk.id, staff=staff,
                         vendor=principal(vendor.id, Role.SUBCONTRACTOR, user_id=engineer.id),
                         client=principal(client.id, Role.CLIENT_CONTACT, user_id=reader.id),
                         vendor_user_id=engineer.id)
    finally:
        await engine.dispose()


@pytest.fixture
def served(app_settings: Settings) -> Iterator[str]:
    """The app under uvicorn on a free local port: its base URL."""
    with serving_app(create_app(app_settings)) as base_url:
        yield base_url
