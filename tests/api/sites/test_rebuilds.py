"""Every mutation that changes what a client's site shows queues a rebuild of that site; the rest are listed with
the reason they do not. A new mutation fails here until it is put in one table or the other.

The rebuild is a reaction to the committed change (api.flows); `react` runs it here as the dispatcher would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import GraphQLObjectType
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Principal
from api.cx.action_items.models import ActionItemStatus
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import MilestoneStatus, Visibility
from api.settings import Settings
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from tests.fixtures.events import react
from tests.fixtures.factories import (
    make_action_item,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_status_report,
)
from tests.fixtures.graphql import data_of, global_id, principal, schema

EXEMPT = {
    "requestSiteBuild": "it is a build request",
    "rotateSiteKey": "it queues its own build, to publish at the new address",
    "createStatusReport": "a draft is never shown",
    "updateStatusReport": "only drafts can be changed, and a draft is never shown",
    "createApiToken": "tokens are not shown",
    "revokeApiToken": "tokens are not shown",
    "updateNotificationPreferences": "a person's choice of mail is not shown",
    "redeliver": "deliveries are not shown",
    "createWebhookEndpoint": "webhook endpoints are not shown",
    "rotateWebhookSecret": "webhook endpoints are not shown",
    "disableWebhookEndpoint": "webhook endpoints are not shown",
    "createSurveyInvitation": "a contact's survey link is not shown",
    "submitFeedback": "CX figures refresh on the scheduled build: a rebuild per answer would let a reader tell one "
                      "person's answer from the change it made",
    "recordMysteryShop": "mystery shops are internal",
    "addComment": "a site shows no comment (only the activity line a reaction makes of it)",
    "editComment": "a site shows no comment",
    "deleteComment": "a site shows no comment",
    "createUpdateRequest": "update requests are not shown",
    "cancelUpdateRequest": "update requests are not shown",
}


@dataclass
class World:
    staff: Principal
    client: Organization
    project_id: int
    risk_id: int
    action_item_id: int
    milestone_id: int
    report_id: int


Case = Callable[[World], tuple[str, dict[str, Any]]]
CASES: dict[str, Case] = {
    "createClient": lambda w: ("createClient(input: $input)", {"slug": "new-client", "name": "New Client"}),
    "updateClient": lambda w: ("updateClient(input: $input)", {"id": global_id("Client", w.client.id),
                                                               "name": "Harbor Authority (renamed)"}),
    "updateSite": lambda w: ("updateSite(input: $input)", {"clientId": global_id("Client", w.client.id),
                                                           "brandName": "Harbor PMO"}),
    "createProject": lambda w: ("createProject(input: $input)", {
        "clientId": global_id("Client", w.client.id), "code": "HB-9", "name": "Berth 9",
        "startDate": "2026-01-05", "endDate": "2026-12-18"}),
    "updateProject": lambda w: ("updateProject(input: $input)", {"id": global_id("Project", w.project_id),
                                                                 "name": "Berth 4 dredging"}),
    "createMilestone": lambda w: ("createMilestone(input: $input)", {
        "projectId": global_id("Project", w.project_id), "name": "Survey done", "baselineDate": "2026-05-01"}),
    "updateMilestone": lambda w: ("updateMilestone(input: $input)", {"id": global_id("Milestone", w.milestone_id),
                                                                     "percentComplete": 70}),
    "createRisk": lambda w: ("createRisk(input: $input)", {
        "projectId": global_id("Project", w.project_id), "title": "Silt", "probability": 3, "impact": 3,
        "ownerName": "Pat", "visibility": "CLIENT"}),
    "updateRisk": lambda w: ("updateRisk(input: $input)", {"id": global_id("Risk", w.risk_id),
                                                           "visibility": "INTERNAL"}),
    "createActionItem": lambda w: ("createActionItem(input: $input)", {
        "clientId": global_id("Client", w.client.id), "title": "Weekly call", "youSaid": "We hear too little.",
        "weDid": "A weekly call.", "status": "DONE", "clientVisible": True}),
    "updateActionItem": lambda w: ("updateActionItem(input: $input)", {
        "id": global_id("ActionItem", w.action_item_id), "clientVisible": False}),
    "recordActualCost": lambda w: ("recordActualCost(input: $input)", {
        "projectId": global_id("Project", w.project_id), "periodEnd": "2026-04-30", "amount": "980.00"}),
    "publishStatusReport": lambda w: ("publishStatusReport(input: $input)", {
        "id": global_id("StatusReport", w.report_id)}),
}


async def _world(session: AsyncSession) -> World:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    staff = principal(pmo.id, Role.PMO_STAFF)
    client = await make_client(session, slug="harbor", name="Harbor Authority")
    project = await make_project(session, client=client, code="HB-4")
    risk = await make_risk(session, project=project, visibility=Visibility.CLIENT)
    item = await make_action_item(session, client=client, status=ActionItemStatus.DONE, client_visible=True,
                                  we_did="Shared the plan.")
    milestone = await make_milestone(session, project=project, status=MilestoneStatus.IN_PROGRESS)
    report = await make_status_report(session, project=project)
    return World(staff=staff, client=client, project_id=project.id, risk_id=risk.id, action_item_id=item.id,
                 milestone_id=milestone.id, report_id=report.id)


def _mutations() -> set[str]:
    mutation = schema._schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)
    return set(mutation.fields)


def test_every_mutation_is_either_shown_to_rebuild_or_exempt_with_a_reason() -> None:
    assert _mutations() == set(CASES) | set(EXEMPT)
    assert not set(CASES) & set(EXEMPT)


async def _queued_event_builds(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await session.execute(select(SiteBuild.client_id, SiteBuild.reason).where(
        SiteBuild.state == BuildState.QUEUED, SiteBuild.trigger == BuildTrigger.EVENT))
    return [(client_id, reason) for client_id, reason in rows]


@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_change_the_site_shows_queues_its_rebuild(session: AsyncSession, name: str) -> None:
    world = await _world(session)
    await session.commit()
    await react(session, Settings())  # to the setting up
    await session.execute(delete(SiteBuild))
    await session.commit()
    field, variables = CASES[name](world)
    payload = (await data_of(session, world.staff, f"mutation($input: {name[0].upper()}{name[1:]}Input!) "
                                                   f"{{ {field} {{ userErrors {{ field message }} }} }}",
                             input=variables))[name]
    assert payload["userErrors"] == []
    await react(session, Settings())
    builds = await _queued_event_builds(session)
    if name == "createClient":
        created = await session.scalar(select(Organization.id).where(Organization.slug == "new-client"))
        assert [client_id for client_id, _ in builds] == [created]
    else:
        assert [client_id for client_id, _ in builds] == [world.client.id], builds


async def test_a_change_to_something_the_site_never_shows_queues_nothing(session: AsyncSession) -> None:
    world = await _world(session)
    internal = await make_risk(session, project=(await make_project(session, client=world.client, code="HB-5")),
                               visibility=Visibility.INTERNAL)
    hidden = await make_action_item(session, client=world.client, client_visible=False)
    await session.commit()
    await react(session, Settings())  # to the setting up
    await session.execute(delete(SiteBuild))
    await session.commit()
    for mutation, variables in (
        ("updateRisk", {"id": global_id("Risk", internal.id), "title": "Still internal"}),
        ("updateActionItem", {"id": global_id("ActionItem", hidden.id), "title": "Still hidden"}),
        ("updateSite", {"clientId": global_id("Client", world.client.id), "schedule": "0 7 * * 1"}),
    ):
        query = f"mutation($input: {mutation[0].upper()}{mutation[1:]}Input!) {{ {mutation}(input: $input) " \
                "{ userErrors { message } } }"
        assert (await data_of(session, world.staff, query, input=variables))[mutation]["userErrors"] == []
    await react(session, Settings())
    assert await _queued_event_builds(session) == []
