"""Activity made from events: one line per event, for its audience, newest first; the client never reads an
internal risk or the PMO's money, another client reads nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.activity.models import Activity
from api.auth.models import Role
from api.auth.principal import Principal
from api.changes.events import event_of
from api.changes.models import OutboxEvent
from api.context import Context
from api.flows import reactions
from api.flows.runner import run_due_reactions
from api.organizations.models import OrganizationKind
from api.projects import milestone_service, risk_service
from api.projects import service as project_service
from api.projects.milestone_service import MilestoneFields
from api.projects.models import RiskKind, Visibility
from api.projects.risk_service import RiskFields
from api.projects.service import ProjectFields
from api.reports import service as report_service
from api.schema import get_schema
from api.settings import Settings
from tests.fixtures.factories import (
    assign,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_status_report,
    make_user,
)
from tests.fixtures.graphql import global_id, principal

INTERNAL_RISK = "CANARY-INTERNAL-RISK-5521"
LIST = """query($id: ID) { activity(first: 20, clientId: $id) { totalCount
  edges { node { kind summary audience subject { __typename id } project { code } actor { name } } } } }"""


@dataclass(frozen=True)
class World:
    staff: Principal
    client: Principal
    subcontractor: Principal
    rival: Principal
    client_id: int
    project_id: int


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession], app_settings: Settings) -> World:
    async with sessions() as session:
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        manager = await make_user(session, organization=pmo, role=Role.PMO_STAFF, name="Pat Manager")
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        rival = await make_client(session, slug="rival", name="Rival Authority")
        vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
        project = await make_project(session, client=client, code="HB-1", manager_id=manager.id)
        await assign(session, project=project, organization=vendor)
        milestone = await make_milestone(session, project=project, name="Pilot live")
        report = await make_status_report(session, project=project, title="March status")
        await session.commit()
    staff = principal(pmo.id, Role.PMO_STAFF, user_id=manager.id)
    async with sessions() as session:
        await milestone_service.update_milestone(session, principal=staff, milestone_id=milestone.id,
                                                 fields=MilestoneFields(percent_complete=70))
        await risk_service.create_risk(session, principal=staff, project_id=project.id, fields=RiskFields(
            kind=RiskKind.RISK, title=INTERNAL_RISK, probability=2, impact=2, owner_name="Pat",
            visibility=Visibility.INTERNAL))
        await risk_service.create_risk(session, principal=staff, project_id=project.id, fields=RiskFields(
            kind=RiskKind.ISSUE, title="Permit delayed", probability=4, impact=3, owner_name="Pat",
            visibility=Visibility.CLIENT))
        await project_service.update_project(session, principal=staff, project_id=project.id,
                                             fields=ProjectFields(budget_at_completion="2000000.00"))
        await report_service.publish_status_report(session, principal=staff, report_id=report.id)
        await session.commit()
    await run_due_reactions(sessions, settings=app_settings)
    return World(staff=staff, client=principal(client.id, Role.CLIENT_CONTACT),
                 subcontractor=principal(vendor.id, Role.SUBCONTRACTOR), rival=principal(rival.id, Role.CLIENT_CONTACT),
                 client_id=client.id, project_id=project.id)


async def _list(sessions: async_sessionmaker[AsyncSession], settings: Settings, who: Principal,
                client_id: int | None) -> dict:
    async with sessions() as session:
        context = Context(session=session, principal=who, settings=settings, request_id="test")
        result = await get_schema(settings).execute(LIST, context_value=context,
                                                    variable_values={"id": global_id("Client", client_id)
                                                                     if client_id else None})
        assert result.errors is None, result.errors
        return result.data["activity"]


async def test_each_event_is_one_line_and_staff_read_them_all_newest_first(
        sessions: async_sessionmaker[AsyncSession], world: World, app_settings: Settings) -> None:
    found = await _list(sessions, app_settings, world.staff, world.client_id)
    lines = [(edge["node"]["kind"], edge["node"]["audience"], edge["node"]["summary"]) for edge in found["edges"]]
    assert lines == [
        ("ReportPublished", "CLIENT", "Status report published: March status"),
        ("ProjectChanged", "PMO", "Project HB-1 changed: budget at completion"),
        ("RiskChanged", "CLIENT", "Issue raised: Permit delayed"),
        ("RiskChanged", "PMO", f"Risk raised: {INTERNAL_RISK}"),
        ("MilestoneProgressReported", "CLIENT", "Pilot live is 70% complete (in progress)"),
    ]
    first = found["edges"][-1]["node"]
    assert first["subject"]["__typename"] == "Milestone" and first["project"] == {"code": "HB-1"}
    assert first["actor"] == {"name": "Pat Manager"}


async def test_the_client_and_assigned_subcontractors_read_only_the_client_audience(
        sessions: async_sessionmaker[AsyncSession], world: World, app_settings: Settings) -> None:
    for who in (world.client, world.subcontractor):
        found = await _list(sessions, app_settings, who, world.client_id if who is world.client else None)
        assert [edge["node"]["audience"] for edge in found["edges"]] == ["CLIENT"] * 3, who
        text = str(found)
        assert INTERNAL_RISK not in text and "budget" not in text
    assert (await _list(sessions, app_settings, world.rival, world.client_id)) == {"totalCount": 0, "edges": []}
    assert (await _list(sessions, app_settings, world.rival, None))["edges"] == []


async def test_project_activity_pages_newest_first(sessions: async_sessionmaker[AsyncSession], world: World,
                                                   app_settings: Settings) -> None:
    query = """query($id: ID!, $after: String) { node(id: $id) { ... on Project {
        activity(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { kind } } } } } }"""
    kinds, after = [], None
    async with sessions() as session:
        context = Context(session=session, principal=world.client, settings=app_settings, request_id="test")
        while True:
            result = await get_schema(app_settings).execute(query, context_value=context, variable_values={
                "id": global_id("Project", world.project_id), "after": after})
            page = result.data["node"]["activity"]
            kinds += [edge["node"]["kind"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    assert kinds == ["ReportPublished", "RiskChanged", "MilestoneProgressReported"]


async def test_a_reaction_run_again_makes_no_second_activity(sessions: async_sessionmaker[AsyncSession],
                                                             world: World, app_settings: Settings) -> None:
    async with sessions() as session:
        before = len(list(await session.scalars(select(Activity))))
        for row in await session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "RiskChanged")):
            await reactions.note_activity(session, event_of(row), app_settings)
        await session.commit()
        assert len(list(await session.scalars(select(Activity)))) == before == 5
