"""Tenant isolation: client B's people and an unassigned subcontractor cannot read or change client A's data
by any path, and every answer about A's objects is exactly the answer about an object that does not exist."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import database
from api.activity.models import Activity, Audience
from api.app import create_app
from api.auth import api_tokens
from api.auth.models import ApiToken, Role
from api.auth.principal import Grant, Principal
from api.changes.models import OutboxEvent
from api.comments.models import Comment
from api.kit.database import create_engine, create_session_factory
from api.models import Base
from api.organizations.models import OrganizationKind
from api.projects.models import ActualCost
from api.reports.models import ReportState
from api.settings import Settings
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from api.update_requests.models import UpdateRequest, UpdateRequestState
from api.webhooks.models import EndpointOwner, WebhookEndpoint
from tests.fixtures.auth import settings_for, token_for
from tests.fixtures.factories import (
    assign,
    make_action_item,
    make_client,
    make_feedback,
    make_invitation,
    make_milestone,
    make_mystery_shop,
    make_organization,
    make_project,
    make_risk,
    make_status_report,
    make_user,
)
from tests.fixtures.graphql import data_of, execute, global_id, schema

MISSING = 987_654


@dataclass
class World:
    a_ids: dict[str, int]
    principals: dict[str, Principal]


async def _world(session: AsyncSession) -> World:
    alpha = await make_client(session, slug="alpha-agency", name="Alpha Agency")
    beta = await make_client(session, slug="beta-bureau", name="Beta Bureau")
    sub = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    project = await make_project(session, client=alpha, code="A-1")
    await assign(session, project=await make_project(session, client=beta, code="B-1"), organization=sub)
    feedback = await make_feedback(session, client=alpha, project_id=project.id)
    project.financials_shared = True  # alpha's own people see its money: client B and the subcontractor never
    build = SiteBuild(client_id=alpha.id, trigger=BuildTrigger.MANUAL, state=BuildState.PUBLISHED)
    token = ApiToken(name="Alpha BI", organization_id=alpha.id, role=Role.CLIENT_CONTACT, scopes=["read"],
                     token_hash="f" * 64, expires_at=datetime.now(UTC) + timedelta(days=30))
    cost = ActualCost(project_id=project.id, period_end=date(2026, 3, 31), amount=Decimal("1250.00"))
    endpoint = WebhookEndpoint(url="https://hooks.alpha.example/rapport", event_types=["site.published"],
                               client_id=alpha.id, owner=EndpointOwner.CLIENT, owner_organization_id=alpha.id)
    event = OutboxEvent(kind="ReportPublished", client_id=alpha.id, payload={}, dispatched_at=datetime.now(UTC))
    session.add_all([build, token, cost, endpoint, event])
    await session.flush()
    activity = Activity(event_id=event.id, kind="ReportPublished", client_id=alpha.id, project_id=project.id,
                        subject_type="Project", subject_id=project.id, summary="Status report published: A",
                        audience=Audience.CLIENT, occurred_at=datetime.now(UTC))
    session.add(activity)
    await session.flush()
    milestone = await make_milestone(session, project=project)
    comment = Comment(client_id=alpha.id, project_id=project.id, subject_type="Milestone", subject_id=milestone.id,
                      audience=Audience.CLIENT, body="Alpha's own words", created_at=datetime.now(UTC))
    session.add(comment)
    staff = await make_user(session, organization=await make_organization(session, kind=OrganizationKind.PMO),
                            role=Role.PMO_STAFF)
    request = UpdateRequest(client_id=alpha.id, project_id=project.id, token_id="alpha-request", message="",
                            recipient_user_id=staff.id, due_date=date(2099, 1, 31), state=UpdateRequestState.OPEN,
                            created_at=datetime.now(UTC), expires_at=datetime(2099, 2, 7, tzinfo=UTC))
    session.add(request)
    await session.flush()
    a_ids = {
        "Client": alpha.id, "Project": project.id, "Feedback": feedback.id, "SiteBuild": build.id, "ApiToken": token.id,
        "Milestone": milestone.id, "Comment": comment.id, "UpdateRequest": request.id,
        "Risk": (await make_risk(session, project=project)).id,
        "StatusReport": (await make_status_report(session, project=project, state=ReportState.PUBLISHED)).id,
        "ActionItem": (await make_action_item(session, client=alpha, feedback_id=feedback.id)).id,
        "SurveyInvitation": (await make_invitation(session, client=alpha)).id,
        "MysteryShop": (await make_mystery_shop(session, client=alpha)).id,
        "ActualCost": cost.id, "WebhookEndpoint": endpoint.id, "Activity": activity.id,
    }
    principals = {}
    for name, org, role in (("client B contact", beta, Role.CLIENT_CONTACT), ("client B executive", beta, Role.CLIENT_EXECUTIVE),
                            ("unassigned subcontractor", sub, Role.SUBCONTRACTOR)):
        user = await make_user(session, organization=org, role=role)
        principals[name] = Principal(grants=(Grant(organization_id=org.id, role=role),), user_id=user.id)
    return World(a_ids=a_ids, principals=principals)


async def _fingerprint(session: AsyncSession) -> str:
    """A digest of every row of every table, read without any principal's scope."""
    digest = hashlib.sha256()
    for table in Base.metadata.sorted_tables:
        for row in await session.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await _world(session)


PRINCIPALS = ["client B contact", "client B executive", "unassigned subcontractor"]


@pytest.mark.parametrize("who", PRINCIPALS)
async def test_node_and_nodes_answer_like_missing_ids(session: AsyncSession, world: World, who: str) -> None:
    principal = world.principals[who]
    query = "query($id: ID!) { node(id: $id) { id } }"
    for type_name, pk in world.a_ids.items():
        hidden = await execute(session, principal, query, id=global_id(type_name, pk))
        missing = await execute(session, principal, query, id=global_id(type_name, MISSING))
        assert (hidden.data, hidden.errors) == (missing.data, missing.errors) == ({"node": None}, None), type_name
    ids = [global_id(type_name, pk) for type_name, pk in world.a_ids.items()]
    many = await data_of(session, principal, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)
    assert many == {"nodes": [None] * len(ids)}


ROOTS = {
    "activity": ("clientId", "Client"), "updateRequests": ("projectId", "Project"),
    "projects": ("clientId", "Client"), "feedback": ("clientId", "Client"), "siteBuilds": ("clientId", "Client"),
    "actionItems": ("clientId", "Client"), "mysteryShops": ("clientId", "Client"),
    "surveyInvitations": ("clientId", "Client"), "statusReports": ("projectId", "Project"),
}


@pytest.mark.parametrize("who", PRINCIPALS)
async def test_root_fields_answer_like_missing_ids(session: AsyncSession, world: World, who: str) -> None:
    principal = world.principals[who]
    a_global_ids = {global_id(type_name, pk) for type_name, pk in world.a_ids.items()}
    for root, (argument, type_name) in ROOTS.items():
        query = f"query($ref: ID) {{ {root}(first: 100, {argument}: $ref) {{ totalCount edges {{ node {{ id }} }} }} }}"
        hidden = await execute(session, principal, query, ref=global_id(type_name, world.a_ids[type_name]))
        missing = await execute(session, principal, query, ref=global_id(type_name, MISSING))
        assert (hidden.data, hidden.errors) == (missing.data, missing.errors), root
        unfiltered = await data_of(session, principal, query, ref=None)
        assert not {edge["node"]["id"] for edge in unfiltered[root]["edges"]} & a_global_ids, root
    singles = [("query($id: ID!) { project(id: $id) { id earnedValue { schedulePerformanceIndex } } }", "Project"),
               ("query($id: ID) { portfolio(clientId: $id) { totals { projects } } }", "Client"),
               ("query($id: ID!) { webhookDeliveries(endpointId: $id, first: 5) { totalCount } }",
                "WebhookEndpoint"),
               ("query($id: ID) { webhookEndpoints(first: 5, clientId: $id) { totalCount } }", "Client"),
               ("query($id: ID) { cxSummary(clientId: $id) { sampleSize csatPercent nps } }", "Client")]
    for query, type_name in singles:
        hidden = await execute(session, principal, query, id=global_id(type_name, world.a_ids[type_name]))
        missing = await execute(session, principal, query, id=global_id(type_name, MISSING))
        assert (hidden.data, hidden.errors) == (missing.data, missing.errors), query
    by_slug = 'query($slug: String!) { client(slug: $slug) { id projects(first: 5) { totalCount } } }'
    assert await data_of(session, principal, by_slug, slug="alpha-agency") == {"client": None}
    clients = await data_of(session, principal, "{ clients(first: 100) { edges { node { slug } } } }")
    assert "alpha-agency" not in {edge["node"]["slug"] for edge in clients["clients"]["edges"]}


MUTATIONS: list[tuple[str, str, dict[str, Any], str, str]] = [
    # (mutation, payload field, input without the reference, reference field, referenced type)
    ("updateClient", "client", {"name": "Taken over"}, "id", "Client"),
    ("updateSite", "site", {"schedule": "0 5 * * *"}, "clientId", "Client"),
    ("rotateSiteKey", "siteBuild", {}, "clientId", "Client"),
    ("requestSiteBuild", "siteBuild", {}, "clientId", "Client"),
    ("createProject", "project", {"code": "X-1", "name": "X", "startDate": "2026-01-01", "endDate": "2026-12-31"},
     "clientId", "Client"),
    ("updateProject", "project", {"name": "Renamed"}, "id", "Project"),
    ("createMilestone", "milestone", {"name": "M", "baselineDate": "2026-06-01"}, "projectId", "Project"),
    ("updateMilestone", "milestone", {"status": "ACCEPTED"}, "id", "Milestone"),
    ("createRisk", "risk", {"title": "R", "probability": 2, "impact": 2, "ownerName": "X"}, "projectId", "Project"),
    ("updateRisk", "risk", {"title": "Renamed"}, "id", "Risk"),
    ("addComment", "comment", {"body": "Taken over", "audience": "CLIENT"}, "subjectId", "Milestone"),
    ("addComment", "comment", {"body": "Taken over", "audience": "CLIENT"}, "subjectId", "StatusReport"),
    ("editComment", "comment", {"body": "Taken over"}, "id", "Comment"),
    ("deleteComment", "comment", {}, "id", "Comment"),
    ("createUpdateRequest", "updateRequest", {"recipientEmail": "x@example.org", "milestoneIds": [], "riskIds": [],
                                              "message": "", "dueDate": "2099-01-31"}, "projectId", "Project"),
    ("cancelUpdateRequest", "updateRequest", {}, "id", "UpdateRequest"),
    ("createStatusReport", "statusReport", {"cadence": "MONTHLY", "periodStart": "2026-04-01",
                                            "periodEnd": "2026-04-30", "title": "T"}, "projectId", "Project"),
    ("updateStatusReport", "statusReport", {"title": "Renamed"}, "id", "StatusReport"),
    ("publishStatusReport", "statusReport", {}, "id", "StatusReport"),
    ("createSurveyInvitation", "surveyInvitation", {"touchpoint": "GENERAL", "maxUses": 1}, "clientId", "Client"),
    ("submitFeedback", "feedback", {"touchpoint": "GENERAL", "csat": 5, "comment": "", "painPoints": []},
     "clientId", "Client"),
    ("submitFeedback", "feedback", {"touchpoint": "GENERAL", "csat": 5, "comment": "", "painPoints": []},
     "projectId", "Project"),
    ("createActionItem", "actionItem", {"title": "T", "youSaid": "", "weDid": "", "status": "OPEN",
                                        "clientVisible": False}, "clientId", "Client"),
    ("createActionItem", "actionItem", {"title": "T", "youSaid": "", "weDid": "", "status": "OPEN",
                                        "clientVisible": False}, "feedbackId", "Feedback"),
    ("updateActionItem", "actionItem", {"title": "Renamed"}, "id", "ActionItem"),
    ("recordMysteryShop", "mysteryShop", {"touchpoint": "KICKOFF", "conductedOn": "2026-03-01", "notes": "",
                                          "criteria": [{"criterion": "c", "score": 1, "maxScore": 2, "note": ""}]},
     "clientId", "Client"),
    ("recordActualCost", "actualCost", {"periodEnd": "2026-04-30", "amount": "10.00"}, "projectId", "Project"),
    ("createWebhookEndpoint", "webhookEndpoint", {"url": "https://hooks.example/x", "eventTypes": ["SITE_PUBLISHED"]},
     "clientId", "Client"),
    ("rotateWebhookSecret", "webhookEndpoint", {}, "endpointId", "WebhookEndpoint"),
    ("disableWebhookEndpoint", "webhookEndpoint", {}, "endpointId", "WebhookEndpoint"),
    ("createApiToken", "apiToken", {"name": "T", "role": "CLIENT_CONTACT", "scopes": ["READ"]},
     "organizationId", "Client"),
    ("revokeApiToken", "apiToken", {}, "id", "ApiToken"),
]


@pytest.mark.parametrize("who", PRINCIPALS)
async def test_mutations_referencing_another_clients_objects_answer_like_missing_ids_and_change_nothing(
    session: AsyncSession, world: World, who: str
) -> None:
    principal = world.principals[who]
    for mutation, payload_field, base_input, reference, type_name in MUTATIONS:
        input_type = _input_type(mutation)
        document = (f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {payload_field} {{ __typename }} "
                    "userErrors { field message code } } }")
        before = await _fingerprint(session)
        hidden = await execute(session, principal, document,
                               input={**base_input, reference: global_id(type_name, world.a_ids[type_name])})
        assert await _fingerprint(session) == before, f"{mutation} changed data for {who}"
        missing = await execute(session, principal, document, input={**base_input, reference: global_id(type_name, MISSING)})
        assert hidden.errors is None and missing.errors is None, (mutation, hidden.errors, missing.errors)
        assert hidden.data == missing.data, (mutation, reference, hidden.data, missing.data)
        assert hidden.data[mutation][payload_field] is None and hidden.data[mutation]["userErrors"], mutation


def _input_type(mutation: str) -> str:
    return str(schema._schema.mutation_type.fields[mutation].args["input"].type.of_type)


async def _http_world(url: str, settings: Settings) -> dict[str, Any]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        alpha = await make_client(session, slug="alpha-agency", name="Alpha Agency")
        project = await make_project(session, client=alpha, code="A-1", name="Original name")
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        admin = await make_user(session, organization=pmo, role=Role.PMO_ADMIN)
        admin_principal = Principal(grants=(Grant(organization_id=pmo.id, role=Role.PMO_ADMIN),), user_id=admin.id)
        issued = await api_tokens.create_api_token(
            session, settings=settings, principal=admin_principal, organization_id=alpha.id, name="BI",
            role=Role.CLIENT_CONTACT, scopes=["read", "write"], ttl_seconds=3600)
        await api_tokens.revoke_api_token(session, principal=admin_principal, api_token_id=issued.api_token.id)
        await session.commit()
        world = {"project": global_id("Project", project.id), "admin": admin.id, "revoked": issued.token}
    await engine.dispose()
    return world


def test_revoked_and_expired_tokens_cannot_read_or_change_anything(fresh_database_url: str, tmp_path: Path) -> None:
    database.upgrade_database(fresh_database_url)
    settings = settings_for(fresh_database_url, tmp_path)
    world = asyncio.run(_http_world(fresh_database_url, settings))
    expired = token_for(settings, world["admin"], now=datetime.now(UTC) - timedelta(days=1), ttl_seconds=600)
    read = {"query": "query($id: ID!) { project(id: $id) { name } }", "variables": {"id": world["project"]}}
    change = {"query": 'mutation($id: ID!) { updateProject(input: {id: $id, name: "Changed"}) { project { name } } }',
              "variables": {"id": world["project"]}}
    with TestClient(create_app(settings)) as http:
        for token in (expired, world["revoked"]):
            for body in (read, change):
                response = http.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 401 and "data" not in response.json()
        fresh = token_for(settings, world["admin"])
        after = http.post("/graphql", json=read, headers={"Authorization": f"Bearer {fresh}"}).json()
    assert after["data"] == {"project": {"name": "Original name"}}
