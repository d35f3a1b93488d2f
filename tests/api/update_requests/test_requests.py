"""Making, listing and cancelling update requests through GraphQL; the mail with its link; the reminder the day
before the due date, and OVERDUE after it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.activity.models import Activity
from api.auth.principal import Principal
from api.delivery.models import Delivery, NoticeKind
from api.delivery.sender import compose
from api.flows.runner import run_due_reactions
from api.kit.columns import utcnow
from api.settings import Settings
from api.update_requests.models import UpdateRequest, UpdateRequestState
from api.update_requests.service import sweep_update_requests
from tests.api.update_requests.conftest import Asked, ask
from tests.fixtures.graphql import global_id, run_committed

CREATE = """mutation($input: CreateUpdateRequestInput!) { createUpdateRequest(input: $input) {
  updateRequest { state dueDate recipient { name } milestones { name } risks { title } }
  userErrors { code field message } } }"""
CANCEL = """mutation($id: ID!) { cancelUpdateRequest(input: {id: $id}) { updateRequest { state }
  userErrors { code } } }"""
LIST = """query($state: UpdateRequestState) { updateRequests(first: 10, state: $state) { totalCount
  edges { node { state message answeredBy { name } } } } }"""


def _input(asked: Asked, **overrides: Any) -> dict[str, Any]:
    return {"projectId": global_id("Project", asked.project_id), "recipientEmail": "val@keystone.example",
            "milestoneIds": [global_id("Milestone", asked.milestone_b)], "riskIds": [],
            "message": "", "dueDate": (utcnow().date() + timedelta(days=2)).isoformat(), **overrides}


async def test_staff_ask_a_subcontractor_for_exactly_what_they_can_update(
        sessions: async_sessionmaker[AsyncSession], app_settings: Settings) -> None:
    asked = await ask(app_settings)
    made = await run_committed(sessions, app_settings, asked.staff, CREATE, input=_input(asked))
    assert made["userErrors"] == []
    assert made["updateRequest"] == {"state": "OPEN", "dueDate": _input(asked)["dueDate"],
                                     "recipient": {"name": "Val Vendor"}, "milestones": [{"name": "Permit granted"}],
                                     "risks": []}
    refusals = [
        (asked.vendor, _input(asked), "FORBIDDEN", None),
        (asked.staff, _input(asked, recipientEmail="nobody@nowhere.example"), "INVALID", "recipientEmail"),
        (asked.staff, _input(asked, milestoneIds=[]), "INVALID", "milestoneIds"),
        (asked.staff, _input(asked, milestoneIds=[global_id("Milestone", 999)]), "INVALID", "milestoneIds"),
        (asked.staff, _input(asked, milestoneIds=[global_id("Risk", asked.risk_id)]), "INVALID", "milestoneIds"),
        (asked.staff, _input(asked, dueDate="2020-01-01"), "INVALID", "dueDate"),
    ]
    for who, given, code, field in refusals:
        answer = await run_committed(sessions, app_settings, who, CREATE, input=given)
        assert answer["updateRequest"] is None
        assert [(e["code"], e["field"][-1] if e["field"] else None) for e in answer["userErrors"]] == [(code, field)]


async def test_the_recipient_is_mailed_a_link_and_only_staff_and_they_see_the_request(
        sessions: async_sessionmaker[AsyncSession], app_settings: Settings) -> None:
    asked = await ask(app_settings)
    await run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:
        [mail] = list(await session.scalars(select(Delivery).where(Delivery.kind == NoticeKind.UPDATE_REQUEST)))
        assert mail.recipient_id == asked.vendor_user_id
        notice = await compose(session, settings=app_settings, delivery=mail)
        lines = [row.summary for row in await session.scalars(select(Activity))]
    assert notice.subject.startswith("update HB-1 by ") and f"{app_settings.public_url}{asked.path}" in notice.text
    assert "Survey complete" in notice.text and "Silt levels" in notice.html
    assert f"Update requested from Val Vendor, due {(utcnow().date() + timedelta(days=3)).isoformat()}" in lines
    for who, count in ((asked.staff, 1), (asked.vendor, 1), (asked.client, 0)):
        assert (await run_committed(sessions, app_settings, who, LIST))["totalCount"] == count


async def test_a_cancelled_request_cannot_be_answered_or_cancelled_again(
        sessions: async_sessionmaker[AsyncSession], app_settings: Settings) -> None:
    asked = await ask(app_settings)
    request_id = global_id("UpdateRequest", asked.request_id)

    async def cancel(who: Principal) -> dict[str, Any]:
        return await run_committed(sessions, app_settings, who, CANCEL, id=request_id)

    assert (await cancel(asked.vendor))["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await cancel(asked.staff))["updateRequest"] == {"state": "CANCELLED"}
    assert (await cancel(asked.staff))["userErrors"][0]["code"] == "CONFLICT"
    await run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:
        [mail] = list(await session.scalars(select(Delivery).where(Delivery.kind == NoticeKind.UPDATE_REQUEST)))
        try:
            await compose(session, settings=app_settings, delivery=mail)
        except Exception as exc:  # noqa: BLE001 - the mail of a withdrawn request is not sent
            assert type(exc).__name__ == "NotVisible"
        else:
            raise AssertionError("a cancelled request's mail was still composed")


async def test_a_reminder_goes_the_day_before_and_an_unanswered_request_goes_overdue(
        sessions: async_sessionmaker[AsyncSession], app_settings: Settings) -> None:
    asked = await ask(app_settings, due=utcnow().date() + timedelta(days=1))
    async with sessions() as session:
        assert await sweep_update_requests(session) == 0  # asked just now: no reminder the same evening
        await session.execute(update(UpdateRequest).values(created_at=utcnow() - timedelta(days=2)))
        assert await sweep_update_requests(session) == 1
        assert await sweep_update_requests(session) == 0  # reminded once
        await session.commit()
    await run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:
        reminders = list(await session.scalars(select(Delivery).where(Delivery.kind == NoticeKind.UPDATE_REMINDER)))
        assert [mail.recipient_id for mail in reminders] == [asked.vendor_user_id]
        notice = await compose(session, settings=app_settings, delivery=reminders[0])
        assert notice.subject.startswith("Reminder: update HB-1 by")
        await session.execute(update(UpdateRequest).values(due_date=utcnow().date() - timedelta(days=1)))
        assert await sweep_update_requests(session) == 1
        await session.commit()
    await run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:
        request = await session.get(UpdateRequest, asked.request_id)
        lines = [row.summary for row in await session.scalars(select(Activity))]
    assert request.state is UpdateRequestState.OVERDUE
    assert any(line.startswith("Update request to Val Vendor is overdue") for line in lines)
    listed = await run_committed(sessions, app_settings, asked.staff, LIST, state="OVERDUE")
    assert listed["totalCount"] == 1
