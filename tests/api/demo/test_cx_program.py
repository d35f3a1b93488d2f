"""The demo data set's action items and mystery shops."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.action_items.models import ActionItemStatus
from api.models import ActionItem, Feedback, MysteryShop, Organization, OrganizationKind
from tests.api.demo.conftest import TODAY, WINDOW_START, all_of


async def test_action_items_say_what_we_did_about_feedback(demo: AsyncSession) -> None:
    items = await all_of(demo, ActionItem)
    feedback = {f.id: f for f in await all_of(demo, Feedback)}
    visible = [i for i in items if i.client_visible]

    assert visible and all(i.status is ActionItemStatus.DONE and i.you_said and i.we_did for i in visible)
    assert any(not i.client_visible and i.status is ActionItemStatus.DONE for i in items)
    assert any(i.status is ActionItemStatus.OPEN for i in items)
    assert sum(1 for i in items if i.feedback_id) >= 5
    for item in items:
        if item.feedback_id:
            assert feedback[item.feedback_id].client_id == item.client_id and feedback[item.feedback_id].pain_points
        assert (item.completed_at is not None) == (item.status is ActionItemStatus.DONE)
        if item.completed_at:
            assert item.completed_at.date() < TODAY


async def test_mystery_shops_score_their_criteria(demo: AsyncSession) -> None:
    shops = await all_of(demo, MysteryShop)
    clients = {o.id for o in await all_of(demo, Organization) if o.kind is OrganizationKind.CLIENT}

    assert {s.client_id for s in shops} == clients
    assert len({s.touchpoint for s in shops}) >= 3
    for shop in shops:
        assert shop.criteria and WINDOW_START <= shop.conducted_on < TODAY
        for criterion in shop.criteria:
            assert set(criterion) == {"criterion", "score", "max_score", "note"}
            assert 0 <= criterion["score"] <= criterion["max_score"] and criterion["criterion"] and criterion["note"]
        earned = sum(c["score"] for c in shop.criteria)
        available = sum(c["max_score"] for c in shop.criteria)
        assert shop.score_percent == round(Decimal(earned) / Decimal(available) * 100, 2)
    assert len({s.score_percent for s in shops}) >= 3
