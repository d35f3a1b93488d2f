"""Every mutation in the schema, run from a table of sample inputs, against each client's published-site input and
data version: the input never changes without the version moving, and the version moves without the input only
where this table says why. A new mutation fails here until it has a row."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLObjectType
from sqlalchemy.ext.asyncio import AsyncSession

from api.activity.models import Audience
from api.auth import scopes as token_scopes
from api.auth.models import ApiToken, Role
from api.auth.principal import Principal
from api.changes.models import OutboxEvent
from api.changes.service import data_version
from api.comments.models import Comment
from api.cx.action_items.models import ActionItemStatus
from api.delivery.models import Delivery, DeliveryChannel, DeliveryState, NoticeKind
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import MilestoneStatus, Visibility
from api.sites import service as site_service
from api.update_requests.models import UpdateRequest, UpdateRequestState
from api.webhooks.models import EndpointOwner, WebhookEndpoint
from sitegen.pipeline import site_options
from sitegen.snapshot import fetch_snapshot, input_hash
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import (
    make_action_item,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_status_report,
    make_user,
)
from tests.fixtures.graphql import data_of, global_id, principal, schema

# Mutations whose change a client may see somewhere, but not on its site: the version moves, the site stays.
SEEN_ELSEWHERE = {
    "createSurveyInvitation": "clients see invitations as the CX summary's response rate, which sites do not show",
    "submitFeedback": "one answer below the minimum sample leaves a site's CX figures as they were, while the "
                      "API's response counts move",
    "recordMysteryShop": "client executives may see mystery shops through the API; a site's reader does not",
    "updateMilestone": "clients see a milestone's percent complete through the API; its site shows status and dates",
    "recordActualCost": "clients see a project's CPI through the API; its site shows cost only when it is shared",
    "addComment": "comments are read through the API; a site shows no comment",
    "editComment": "comments are read through the API; a site shows no comment",
    "deleteComment": "comments are read through the API; a site shows no comment",
    "createUpdateRequest": "PMO staff and the person asked read update requests through the API; sites never",
    "cancelUpdateRequest": "PMO staff and the person asked read update requests through the API; sites never",
}


@dataclass
class World:
    staff: Principal
    admin: Principal
    harbor: Organization
    parks: Organization
    project_id: int
    milestone_id: int
    risk_id: int
    action_item_id: int
    draft_id: int
    token_id: int
    contact: Principal
    delivery_id: int
    endpoint_id: int
    comment_id: int
    staff_email: str
    update_request_id: int


Case = Callable[[World], tuple[Principal, dict[str, Any]]]


def _gid(kind: str) -> Callable[[int], str]:
    return lambda pk: global_id(kind, pk)


client_id, project_id = _gid("Client"), _gid("Project")
CASES: dict[str, Case] = {
    "createClient": lambda w: (w.staff, {"slug": "quay", "name": "Quay Authority"}),
    "updateClient": lambda w: (w.staff, {"id": client_id(w.harbor.id), "name": "Harbor Authority (renamed)"}),
    "requestSiteBuild": lambda w: (w.staff, {"clientId": client_id(w.harbor.id)}),
    "updateSite": lambda w: (w.staff, {"clientId": client_id(w.harbor.id), "brandName": "Harbor PMO"}),
    "rotateSiteKey": lambda w: (w.staff, {"clientId": client_id(w.harbor.id)}),
    "createStatusReport": lambda w: (w.staff, {"projectId": project_id(w.project_id), "cadence": "MONTHLY",
                                               "periodStart": "2026-04-01", "periodEnd": "2026-04-30",
                                               "title": "April"}),
    "updateStatusReport": lambda w: (w.staff, {"id": global_id("StatusReport", w.draft_id), "title": "March, again"}),
    "publishStatusReport": lambda w: (w.staff, {"id": global_id("StatusReport", w.draft_id)}),
    "createApiToken": lambda w: (w.admin, {"organizationId": client_id(w.harbor.id), "name": "Dashboard",
                                           "role": "CLIENT_CONTACT", "scopes": ["READ"], "ttlSeconds": 86400}),
    "revokeApiToken": lambda w: (w.admin, {"id": global_id("ApiToken", w.token_id)}),
    "createMilestone": lambda w: (w.staff, {"projectId": project_id(w.project_id), "name": "Survey done",
                                            "baselineDate": "2026-05-01"}),
    "updateMilestone": lambda w: (w.staff, {"id": global_id("Milestone", w.milestone_id), "percentComplete": 70}),
    "createRisk": lambda w: (w.staff, {"projectId": project_id(w.project_id), "title": "Silt", "probability": 3,
                                       "impact": 3, "ownerName": "Pat", "visibility": "CLIENT"}),
    "updateRisk": lambda w: (w.staff, {"id": global_id("Risk", w.risk_id), "visibility": "INTERNAL"}),
    "createProject": lambda w: (w.staff, {"clientId": client_id(w.harbor.id), "code": "HB-9", "name": "Berth 9",
                                          "startDate": "2026-01-05", "endDate": "2026-12-18"}),
    "updateProject": lambda w: (w.staff, {"id": project_id(w.project_id), "name": "Berth 4 dredging"}),
    "createSurveyInvitation": lambda w: (w.staff, {"clientId": client_id(w.harbor.id), "touchpoint": "GENERAL",
                                                   "maxUses": 5}),
    "submitFeedback": lambda w: (w.staff, {"clientId": client_id(w.harbor.id), "touchpoint": "GENERAL", "csat": 5,
                                           "comment": "Clear reports.", "painPoints": []}),
    "createActionItem": lambda w: (w.staff, {"clientId": client_id(w.harbor.id), "title": "Weekly call",
                                             "youSaid": "We hear too little.", "weDid": "A weekly call.",
                                             "status": "DONE", "clientVisible": True}),
    "updateActionItem": lambda w: (w.staff, {"id": global_id("ActionItem", w.action_item_id),
                                             "clientVisible": False}),
    "redeliver": lambda w: (w.staff, {"deliveryId": global_id("Delivery", w.delivery_id)}),
    "updateNotificationPreferences": lambda w: (w.contact, {"clientId": client_id(w.harbor.id),
                                                            "reportNotices": "WEEKLY_DIGEST"}),
    "recordActualCost": lambda w: (w.staff, {"projectId": global_id("Project", w.project_id), "periodEnd": "2026-05-31",
                                             "amount": "1250.00", "note": "May"}),
    "createWebhookEndpoint": lambda w: (w.admin, {"url": "http://127.0.0.1:9/hooks", "clientId": client_id(w.harbor.id),
                                                  "eventTypes": ["STATUS_REPORT_PUBLISHED"]}),
    "rotateWebhookSecret": lambda w: (w.admin, {"endpointId": global_id("WebhookEndpoint", w.endpoint_id)}),
    "disableWebhookEndpoint": lambda w: (w.admin, {"endpointId": global_id("WebhookEndpoint", w.endpoint_id)}),
    "addComment": lambda w: (w.staff, {"subjectId": global_id("Milestone", w.milestone_id), "body": "On track?",
                                       "audience": "CLIENT"}),
    "editComment": lambda w: (w.staff, {"id": global_id("Comment", w.comment_id), "body": "Still on track?"}),
    "deleteComment": lambda w: (w.staff, {"id": global_id("Comment", w.comment_id)}),
    "createUpdateRequest": lambda w: (w.staff, {"projectId": project_id(w.project_id), "recipientEmail": w.staff_email,
                                                "milestoneIds": [global_id("Milestone", w.milestone_id)],
                                                "riskIds": [], "message": "By Friday?", "dueDate": "2099-01-31"}),
    "cancelUpdateRequest": lambda w: (w.staff, {"id": global_id("UpdateRequest", w.update_request_id)}),
    "recordMysteryShop": lambda w: (w.staff, {"clientId": client_id(w.harbor.id), "touchpoint": "SUPPORT",
                                              "conductedOn": "2026-05-01", "notes": "",
                                              "criteria": [{"criterion": "Greeting", "score": 4, "maxScore": 5,
                                                            "note": ""}]}),
}


def test_every_mutation_has_a_sample_input() -> None:
    mutation = schema._schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)
    assert set(mutation.fields) == set(CASES)
    assert set(SEEN_ELSEWHERE) <= set(CASES)


async def _world(session: AsyncSession) -> World:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    staff_user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
    admin_user = await make_user(session, organization=pmo, role=Role.PMO_ADMIN)
    harbor = await make_client(session, slug="harbor", name="Harbor Authority")
    parks = await make_client(session, slug="parks", name="Parks Department")
    contacts = {}
    for client in (harbor, parks):
        contacts[client.slug] = await make_user(session, organization=client, role=Role.CLIENT_CONTACT)
        await make_project(session, client=client, code=f"{client.slug[:2].upper()}-1")
    project = await make_project(session, client=harbor, code="HB-4")
    milestone = await make_milestone(session, project=project, status=MilestoneStatus.IN_PROGRESS)
    risk = await make_risk(session, project=project, visibility=Visibility.CLIENT)
    item = await make_action_item(session, client=harbor, status=ActionItemStatus.DONE, client_visible=True,
                                  we_did="Shared the plan.")
    draft = await make_status_report(session, project=project)
    token = ApiToken(name="Old", organization_id=harbor.id, created_by_id=admin_user.id, role=Role.CLIENT_CONTACT,
                     scopes=[token_scopes.READ], token_hash=hashlib.sha256(b"old").hexdigest(),
                     expires_at=datetime.now(UTC) + timedelta(days=30))
    session.add(token)
    event = OutboxEvent(kind="ReportPublished", client_id=harbor.id, payload={}, dispatched_at=datetime.now(UTC))
    session.add(event)
    await session.flush()
    delivery = Delivery(event_id=event.id, channel=DeliveryChannel.EMAIL, kind=NoticeKind.REPORT_PUBLISHED,
                        client_id=harbor.id, recipient_id=contacts["harbor"].id, address=contacts["harbor"].email,
                        state=DeliveryState.FAILED, attempts=10, message_id="<rapport.event-1.user-1@localhost>")
    session.add(delivery)
    endpoint = WebhookEndpoint(url="http://127.0.0.1:9/hooks", event_types=["site.published"], client_id=harbor.id,
                               owner=EndpointOwner.PMO, owner_organization_id=pmo.id)
    session.add(endpoint)
    comment = Comment(client_id=harbor.id, project_id=project.id, subject_type="Milestone", subject_id=milestone.id,
                      audience=Audience.CLIENT, author_user_id=staff_user.id, body="On track.",
                      created_at=datetime.now(UTC))
    session.add(comment)
    request = UpdateRequest(client_id=harbor.id, project_id=project.id, token_id="t" * 32,
                            requester_user_id=staff_user.id, recipient_user_id=staff_user.id, message="",
                            due_date=date(2099, 1, 31), state=UpdateRequestState.OPEN, created_at=datetime.now(UTC),
                            expires_at=datetime(2099, 2, 7, tzinfo=UTC))
    session.add(request)
    await session.commit()
    return World(staff=principal(pmo.id, Role.PMO_STAFF, user_id=staff_user.id),
                 admin=principal(pmo.id, Role.PMO_ADMIN, user_id=admin_user.id), harbor=harbor, parks=parks,
                 project_id=project.id, milestone_id=milestone.id, risk_id=risk.id, action_item_id=item.id,
                 draft_id=draft.id, token_id=token.id,
                 contact=principal(harbor.id, Role.CLIENT_CONTACT, user_id=contacts["harbor"].id),
                 delivery_id=delivery.id, endpoint_id=endpoint.id, comment_id=comment.id,
                 staff_email=staff_user.email, update_request_id=request.id)


async def _state(session: AsyncSession, client: Organization, settings: Any) -> tuple[str, int]:
    """The client's published-site input (everything a build reads but its survey links) and data version."""
    entry = await site_service.client_site(session, client_id=client.id)
    data = await fetch_snapshot(session, settings=settings, client_id=client.id, slug=entry.client.slug)
    extra = f"{site_options(entry, {})}|{entry.site.site_key}|{entry.site.enabled}"
    return input_hash(data, extra=extra), await data_version(session, client_id=client.id)


@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_site_input_changes_only_with_its_data_version(session: AsyncSession, name: str,
                                                               tmp_path: Any) -> None:
    settings = settings_for("sqlite://", tmp_path)
    world = await _world(session)
    clients = (world.harbor, world.parks)
    before = {client.id: await _state(session, client, settings) for client in clients}
    actor, variables = CASES[name](world)
    document = f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) " \
               "{ userErrors { field message } } }"
    assert (await data_of(session, actor, document, input=variables))[name]["userErrors"] == []
    await session.commit()
    for client in clients:
        (input_before, version_before), (input_after, version_after) = before[client.id], await _state(
            session, client, settings)
        if input_after != input_before:
            assert version_after != version_before, f"{name} changed {client.slug}'s site but not its version"
        elif name not in SEEN_ELSEWHERE:
            assert version_after == version_before, f"{name} moved {client.slug}'s version, its site unchanged"
    assert before[world.parks.id] == await _state(session, world.parks, settings), f"{name} touched another client"
