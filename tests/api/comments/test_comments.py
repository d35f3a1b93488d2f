"""Comments: each audience is read by exactly its people, who may post to it; plain text up to 5,000 characters;
edits keep history, deletes leave a tombstone; comments become activity; mentions mail those who can read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import Role
from api.auth.principal import Principal
from api.delivery.models import Delivery, NoticeKind
from api.delivery.sender import compose
from api.flows.runner import run_due_reactions
from api.organizations.models import OrganizationKind
from api.projects.models import Visibility
from api.settings import Settings
from tests.fixtures.factories import (
    assign,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_user,
)
from tests.fixtures.graphql import global_id, principal, run_committed

ADD = """mutation($subject: ID!, $body: String!, $audience: Audience!) {
  addComment(input: {subjectId: $subject, body: $body, audience: $audience}) {
    comment { id body audience author { name } } userErrors { code field message } } }"""
EDIT = """mutation($id: ID!, $body: String!) { editComment(input: {id: $id, body: $body}) {
  comment { body editedAt history { body } } userErrors { code field } } }"""
DELETE = """mutation($id: ID!) { deleteComment(input: {id: $id}) {
  comment { body deletedAt history { body } } userErrors { code field } } }"""
THREAD = """query($id: ID!) { node(id: $id) { ... on Milestone { comments(first: 50) { totalCount
  edges { node { body audience } } } } } }"""
ACTIVITY = "{ activity(first: 50) { edges { node { kind summary audience subject { __typename } } } } }"


@dataclass(frozen=True)
class World:
    staff: Principal
    client: Principal
    vendor: Principal
    outsider: Principal
    rival: Principal
    milestone: str
    internal_risk: str
    client_email: str
    vendor_email: str
    vendor_user_id: int
    client_user_id: int


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    async with sessions() as session:
        pmo = await make_organization(session, kind=OrganizationKind.PMO)
        manager = await make_user(session, organization=pmo, role=Role.PMO_STAFF, name="Pat Manager")
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        rival = await make_client(session, slug="rival", name="Rival Authority")
        vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
        other_vendor = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
        project = await make_project(session, client=client, code="HB-1")
        await assign(session, project=project, organization=vendor)
        milestone = await make_milestone(session, project=project, name="Pilot live")
        risk = await make_risk(session, project=project, visibility=Visibility.INTERNAL, title="Vendor cash flow")
        reader = await make_user(session, organization=client, role=Role.CLIENT_CONTACT, name="Casey Client",
                                 email="casey@harbor.example")
        engineer = await make_user(session, organization=vendor, role=Role.SUBCONTRACTOR, name="Val Vendor",
                                   email="val@vendor.example")
        outsider = await make_user(session, organization=other_vendor, role=Role.SUBCONTRACTOR)
        rival_reader = await make_user(session, organization=rival, role=Role.CLIENT_CONTACT)
        await session.commit()
    return World(staff=principal(pmo.id, Role.PMO_STAFF, user_id=manager.id),
                 client=principal(client.id, Role.CLIENT_CONTACT, user_id=reader.id),
                 vendor=principal(vendor.id, Role.SUBCONTRACTOR, user_id=engineer.id),
                 outsider=principal(other_vendor.id, Role.SUBCONTRACTOR, user_id=outsider.id),
                 rival=principal(rival.id, Role.CLIENT_CONTACT, user_id=rival_reader.id),
                 milestone=global_id("Milestone", milestone.id), internal_risk=global_id("Risk", risk.id),
                 client_email=reader.email, vendor_email=engineer.email, vendor_user_id=engineer.id,
                 client_user_id=reader.id)


async def _add(sessions: async_sessionmaker[AsyncSession], settings: Settings, who: Principal, subject: str,
               body: str, audience: str) -> dict[str, Any]:
    return await run_committed(sessions, settings, who, ADD, subject=subject, body=body, audience=audience)


async def test_each_audience_is_read_by_its_people_only(sessions: async_sessionmaker[AsyncSession], world: World,
                                                        app_settings: Settings) -> None:
    for audience in ("CLIENT", "TEAM", "PMO"):
        added = await _add(sessions, app_settings, world.staff, world.milestone, f"for {audience}", audience)
        assert added["userErrors"] == [] and added["comment"]["author"] == {"name": "Pat Manager"}
    seen = {}
    for name, who in (("staff", world.staff), ("client", world.client), ("vendor", world.vendor),
                      ("outsider", world.outsider), ("rival", world.rival)):
        node = await run_committed(sessions, app_settings, who, THREAD, id=world.milestone)
        seen[name] = [edge["node"]["audience"] for edge in node["comments"]["edges"]] if node else None
    assert seen == {"staff": ["CLIENT", "TEAM", "PMO"], "client": ["CLIENT"], "vendor": ["CLIENT", "TEAM"],
                    "outsider": None, "rival": None}


async def test_who_may_post_follows_who_may_read(sessions: async_sessionmaker[AsyncSession], world: World,
                                                 app_settings: Settings) -> None:
    refusals = [
        (world.client, world.milestone, "TEAM", "FORBIDDEN", "audience"),
        (world.vendor, world.milestone, "PMO", "FORBIDDEN", "audience"),
        (world.rival, world.milestone, "CLIENT", "NOT_FOUND", "subjectId"),
        (world.outsider, world.milestone, "TEAM", "NOT_FOUND", "subjectId"),
        (world.client, world.internal_risk, "CLIENT", "NOT_FOUND", "subjectId"),
        (world.staff, world.internal_risk, "CLIENT", "INVALID", "audience"),
        (world.staff, global_id("Project", 1), "PMO", "INVALID", "subjectId"),
    ]
    for who, subject, audience, code, field in refusals:
        answer = await _add(sessions, app_settings, who, subject, "hello", audience)
        assert answer["comment"] is None
        assert [(e["code"], e["field"][-1]) for e in answer["userErrors"]] == [(code, field)]
    assert (await _add(sessions, app_settings, world.client, world.milestone, "ok", "CLIENT"))["userErrors"] == []
    assert (await _add(sessions, app_settings, world.vendor, world.milestone, "ok", "TEAM"))["userErrors"] == []
    assert (await _add(sessions, app_settings, world.staff, world.internal_risk, "ok", "PMO"))["userErrors"] == []


async def test_a_body_is_plain_text_up_to_5000_characters(sessions: async_sessionmaker[AsyncSession], world: World,
                                                          app_settings: Settings) -> None:
    for body in ("   ", "x" * 5001, "bell\x07"):
        answer = await _add(sessions, app_settings, world.staff, world.milestone, body, "CLIENT")
        assert [(e["code"], e["field"][-1]) for e in answer["userErrors"]] == [("INVALID", "body")], body
    body = "<b>as typed</b>\r\n" + "y" * 4980
    kept = await _add(sessions, app_settings, world.staff, world.milestone, body, "CLIENT")
    assert kept["comment"]["body"] == "<b>as typed</b>\n" + "y" * 4980
    node = await run_committed(sessions, app_settings, world.staff, THREAD, id=world.milestone)
    assert node["comments"]["totalCount"] == 1


async def test_edits_keep_history_and_deletes_leave_a_tombstone(sessions: async_sessionmaker[AsyncSession],
                                                                world: World, app_settings: Settings) -> None:
    comment_id = (await _add(sessions, app_settings, world.vendor, world.milestone, "first", "TEAM"))["comment"]["id"]
    staff_edit = await run_committed(sessions, app_settings, world.staff, EDIT, id=comment_id, body="not mine")
    assert [e["code"] for e in staff_edit["userErrors"]] == ["FORBIDDEN"]
    edited = await run_committed(sessions, app_settings, world.vendor, EDIT, id=comment_id, body="second")
    assert edited["comment"]["body"] == "second" and edited["comment"]["editedAt"]
    assert edited["comment"]["history"] == [{"body": "first"}]
    client_delete = await run_committed(sessions, app_settings, world.client, DELETE, id=comment_id)
    assert [e["code"] for e in client_delete["userErrors"]] == ["NOT_FOUND"]  # a TEAM comment: not theirs to see
    deleted = await run_committed(sessions, app_settings, world.staff, DELETE, id=comment_id)  # staff moderate
    assert deleted["comment"]["body"] is None and deleted["comment"]["deletedAt"]
    assert deleted["comment"]["history"] == []
    again = await run_committed(sessions, app_settings, world.vendor, EDIT, id=comment_id, body="third")
    assert [e["code"] for e in again["userErrors"]] == ["INVALID"]


async def test_comments_become_activity_for_their_audience_without_their_words(
        sessions: async_sessionmaker[AsyncSession], world: World, app_settings: Settings) -> None:
    await _add(sessions, app_settings, world.staff, world.milestone, "CANARY-TEAM-WORDS", "TEAM")
    await _add(sessions, app_settings, world.client, world.milestone, "Looks good", "CLIENT")
    await run_due_reactions(sessions, settings=app_settings)
    staff = (await run_committed(sessions, app_settings, world.staff, ACTIVITY))["edges"]
    client = (await run_committed(sessions, app_settings, world.client, ACTIVITY))["edges"]
    comment_lines = [(e["node"]["summary"], e["node"]["audience"]) for e in staff
                     if e["node"]["kind"] == "CommentChanged"]
    assert comment_lines == [("Comment on Pilot live", "CLIENT"), ("Comment on Pilot live", "TEAM")]
    assert [e["node"]["audience"] for e in client if e["node"]["kind"] == "CommentChanged"] == ["CLIENT"]
    assert "CANARY" not in str(staff) + str(client)
    assert staff[0]["node"]["subject"] == {"__typename": "Comment"}


async def test_mentions_mail_only_those_who_can_read_the_comment(sessions: async_sessionmaker[AsyncSession],
                                                                 world: World, app_settings: Settings) -> None:
    body = f"@{world.vendor_email} and @{world.client_email}: can you <b>confirm</b> the date?"
    await _add(sessions, app_settings, world.staff, world.milestone, body, "TEAM")
    await run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:
        mails = list(await session.scalars(select(Delivery).where(Delivery.kind == NoticeKind.COMMENT_MENTION)))
        assert [mail.recipient_id for mail in mails] == [world.vendor_user_id]  # the client cannot read TEAM
        notice = await compose(session, settings=app_settings, delivery=mails[0])
    assert notice.subject == "Pat Manager mentioned you on Pilot live"
    assert "can you <b>confirm</b> the date?" in notice.text
    assert "can you &lt;b&gt;confirm&lt;/b&gt; the date?" in notice.html and "<b>confirm" not in notice.html

    edit = f"{body} Also @{world.vendor_email} again."
    comment = (await _add(sessions, app_settings, world.staff, world.milestone, f"@{world.client_email} see this",
                          "CLIENT"))["comment"]
    await run_committed(sessions, app_settings, world.staff, EDIT, id=comment["id"],
                        body=f"@{world.client_email} {edit}")
    await run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:
        recipients = list(await session.scalars(select(Delivery.recipient_id)
                                                .where(Delivery.kind == NoticeKind.COMMENT_MENTION)
                                                .order_by(Delivery.id)))
    # The CLIENT comment mails the client once; its edit newly names the vendor, who is mailed for it.
    assert recipients == [world.vendor_user_id, world.client_user_id, world.vendor_user_id]
