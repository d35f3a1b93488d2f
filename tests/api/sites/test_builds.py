"""requestSiteBuild, siteBuilds and Client.site through the schema."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth.models import Role
from api.auth.principal import Principal
from api.organizations.models import OrganizationKind
from api.projects.models import MilestoneStatus
from api.settings import Settings
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from tests.fixtures.events import react
from tests.fixtures.factories import (
    assign,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_status_report,
)
from tests.fixtures.graphql import data_of, global_id, principal

REQUEST = """
mutation($input: RequestSiteBuildInput!) {
  requestSiteBuild(input: $input) { siteBuild { id state trigger reason } userErrors { field code message } }
}"""
BUILDS = "query { siteBuilds(first: 20) { totalCount edges { node { state error client { slug } } } } }"


async def _staff(session: AsyncSession) -> Principal:
    return principal((await make_organization(session, kind=OrganizationKind.PMO)).id, Role.PMO_STAFF)


async def test_a_request_queues_a_build_and_a_second_request_joins_it(session: AsyncSession) -> None:
    staff, client = await _staff(session), await make_client(session, slug="harbor")
    first = (await data_of(session, staff, REQUEST, input={"clientId": global_id("Client", client.id), "reason": "report out"}))
    second = (await data_of(session, staff, REQUEST, input={"clientId": global_id("Client", client.id)}))
    assert first["requestSiteBuild"]["userErrors"] == []
    build = first["requestSiteBuild"]["siteBuild"]
    assert build["state"] == "QUEUED" and build["trigger"] == "MANUAL" and build["reason"] == "report out"
    assert second["requestSiteBuild"]["siteBuild"]["id"] == build["id"]
    assert len(list(await session.scalars(select(SiteBuild).where(SiteBuild.client_id == client.id)))) == 1
    actions = list(await session.scalars(select(AuditEvent.action).where(AuditEvent.organization_id == client.id)))
    assert actions.count("site.build_requested") == 2


async def test_clients_cannot_request_builds_and_other_clients_answer_like_missing(session: AsyncSession) -> None:
    own, other = await make_client(session), await make_client(session)
    contact = principal(own.id, Role.CLIENT_EXECUTIVE)
    refused = (await data_of(session, contact, REQUEST, input={"clientId": global_id("Client", own.id)}))["requestSiteBuild"]
    assert refused["siteBuild"] is None and refused["userErrors"][0]["code"] == "FORBIDDEN"

    staff = await _staff(session)
    hidden = await data_of(session, staff, REQUEST, input={"clientId": global_id("Client", 987_654)})
    assert hidden["requestSiteBuild"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await session.scalar(select(SiteBuild.id).where(SiteBuild.client_id == other.id)) is None


async def test_site_builds_are_scoped_and_errors_are_for_staff_only(session: AsyncSession) -> None:
    own, other = await make_client(session, slug="own-client"), await make_client(session, slug="other-client")
    for client in (own, other):
        session.add(SiteBuild(client_id=client.id, trigger=BuildTrigger.SCHEDULE, state=BuildState.FAILED,
                              error="TimeoutError: store did not answer"))
    await session.flush()

    mine = (await data_of(session, principal(own.id, Role.CLIENT_CONTACT), BUILDS))["siteBuilds"]
    assert mine["totalCount"] == 1
    assert mine["edges"][0]["node"] == {"state": "FAILED", "error": None, "client": {"slug": "own-client"}}

    everything = (await data_of(session, await _staff(session), BUILDS))["siteBuilds"]
    assert everything["totalCount"] >= 2
    assert all(edge["node"]["error"] for edge in everything["edges"])


async def test_client_site_address_for_the_clients_own_people_and_staff_only(session: AsyncSession) -> None:
    client = await make_client(session, slug="harbor")
    sub = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    query = '{ client(slug: "harbor") { site { url enabled schedule timeZone } } }'
    own = (await data_of(session, principal(client.id, Role.CLIENT_CONTACT), query))["client"]["site"]
    assert own["url"] == f"http://127.0.0.1:8000/sites/harbor-key{client.id:04d}/index.html" and own["enabled"]
    assert (await data_of(session, principal(sub.id, Role.SUBCONTRACTOR), query))["client"] is None


UPDATE_SITE = """
mutation($input: UpdateSiteInput!) {
  updateSite(input: $input) { site { schedule timeZone accentColor brandName url } userErrors { field code } }
}"""
ROTATE = "mutation($input: RotateSiteKeyInput!) { rotateSiteKey(input: $input) { siteBuild { state reason } userErrors { code } } }"


async def test_site_settings_are_validated_and_changed_together(session: AsyncSession) -> None:
    staff, client = await _staff(session), await make_client(session, slug="harbor")
    refused = (await data_of(session, staff, UPDATE_SITE, input={
        "clientId": global_id("Client", client.id), "schedule": "daily", "timeZone": "Mars/Base", "accentColor": "#ffff00",
        "logoUrl": "https://cdn.example/logo.png"}))["updateSite"]
    assert refused["site"] is None
    assert {e["field"][1] for e in refused["userErrors"]} == {"schedule", "timeZone", "accentColor", "logoUrl"}

    changed = (await data_of(session, staff, UPDATE_SITE, input={
        "clientId": global_id("Client", client.id), "schedule": "0 7 * * 1-5", "timeZone": "America/Chicago",
        "accentColor": "#1f5f8b", "brandName": "Harbor PMO"}))["updateSite"]
    assert changed["userErrors"] == []
    assert changed["site"]["schedule"] == "0 7 * * 1-5" and changed["site"]["timeZone"] == "America/Chicago"
    assert changed["site"]["brandName"] == "Harbor PMO"


@pytest.mark.parametrize("logo_url", ['x" onerror="alert(1)', "javascript:alert(1)", "//evil.example/x.png",
                                      "data:text/html;base64,PHNjcmlwdD4=", "x" * 501])
async def test_a_hostile_logo_address_is_refused_and_changes_nothing(session: AsyncSession, logo_url: str) -> None:
    staff, client = await _staff(session), await make_client(session, slug="harbor")
    refused = (await data_of(session, staff, UPDATE_SITE, input={
        "clientId": global_id("Client", client.id), "logoUrl": logo_url, "brandName": "Changed"}))["updateSite"]
    assert refused["site"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "logoUrl"], "INVALID")]
    site = (await data_of(session, staff, '{ client(slug: "harbor") { site { brandName } } }'))["client"]["site"]
    assert site["brandName"] != "Changed"


async def test_rotating_the_key_moves_the_address_and_queues_a_build(session: AsyncSession) -> None:
    staff, client = await _staff(session), await make_client(session, slug="harbor")
    before = (await data_of(session, staff, '{ client(slug: "harbor") { site { url } } }'))["client"]["site"]["url"]
    rotated = (await data_of(session, staff, ROTATE, input={"clientId": global_id("Client", client.id)}))["rotateSiteKey"]
    assert rotated == {"siteBuild": {"state": "QUEUED", "reason": "site key rotated"}, "userErrors": []}
    after = (await data_of(session, staff, '{ client(slug: "harbor") { site { url } } }'))["client"]["site"]["url"]
    assert after != before and after.startswith("http://127.0.0.1:8000/sites/harbor-")
    contact = principal(client.id, Role.CLIENT_EXECUTIVE)
    assert (await data_of(session, contact, ROTATE, input={"clientId": global_id("Client", client.id)}))[
        "rotateSiteKey"]["userErrors"][0]["code"] == "FORBIDDEN"


async def test_client_visible_changes_queue_one_event_build_even_from_a_subcontractor(session: AsyncSession) -> None:
    staff, client = await _staff(session), await make_client(session, slug="harbor")
    sub = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    project = await make_project(session, client=client)
    await assign(session, project=project, organization=sub)
    milestone = await make_milestone(session, project=project, status=MilestoneStatus.IN_PROGRESS)
    report = await make_status_report(session, project=project)

    publish = "mutation($id: ID!) { publishStatusReport(input: {id: $id}) { userErrors { code } } }"
    assert (await data_of(session, staff, publish, id=global_id("StatusReport", report.id)))["publishStatusReport"] == {
        "userErrors": []}
    progress = "mutation($id: ID!) { updateMilestone(input: {id: $id, percentComplete: 70}) { userErrors { code } } }"
    subcontractor = principal(sub.id, Role.SUBCONTRACTOR)
    assert (await data_of(session, subcontractor, progress, id=global_id("Milestone", milestone.id)))["updateMilestone"] == {
        "userErrors": []}

    await react(session, Settings())  # the rebuild is a reaction to the committed changes (api.flows)
    builds = list(await session.scalars(select(SiteBuild).where(SiteBuild.client_id == client.id)))
    assert [(b.trigger, b.state, b.reason) for b in builds] == [(BuildTrigger.EVENT, BuildState.QUEUED, "data changed")]
