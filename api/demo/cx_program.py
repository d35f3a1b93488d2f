"""The PMO's client-experience follow-up: "You said, we did" action items and mystery shops."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.action_items.models import ActionItem, ActionItemStatus
from api.cx.mystery_shops.models import MysteryShop
from api.demo import feedback_texts as texts
from api.demo.dates import at_utc, reporting_window_start
from api.demo.feedback import Response
from api.demo.people import Cast
from api.demo.projects import SeededProject

ACTION_REPEAT_DAYS = 120  # one action per client and pain point in this many days
NEUTRAL_ACTION_RATE = 0.35
MYSTERY_SHOPS_PER_CLIENT = 4  # one a quarter


async def add_action_items(
    *, session: AsyncSession, rng: random.Random, cast: Cast, responses: list[Response], today: date
) -> None:
    """Add an action item for each new pain point a client raised, done or under way by its age."""
    last_action_on: dict[tuple[int, str], date] = {}
    for response in responses:
        feedback = response.feedback
        acted_on = response.sentiment == texts.NEGATIVE or (
            response.sentiment == texts.NEUTRAL and rng.random() < NEUTRAL_ACTION_RATE
        )
        if not (acted_on and feedback.pain_points):
            continue
        pain_point = feedback.pain_points[0]
        raised_on = feedback.submitted_at.date()
        previous = last_action_on.get((feedback.client_id, pain_point))
        if previous is not None and (raised_on - previous).days < ACTION_REPEAT_DAYS:
            continue
        last_action_on[(feedback.client_id, pain_point)] = raised_on
        title, you_said, we_did = texts.ACTIONS[pain_point]
        item = ActionItem(
            client_id=feedback.client_id,
            project_id=feedback.project_id,
            feedback_id=feedback.id,
            title=title,
            you_said=you_said,
            status=_status_by_age(age_days=(today - raised_on).days),
            owner_id=response.project.manager.id if response.project else cast.cx_lead.id,
            due_date=raised_on + timedelta(days=30),
            created_at=at_utc(raised_on + timedelta(days=1), 15),
        )
        if item.status is ActionItemStatus.DONE:
            item.we_did = we_did
            item.completed_at = at_utc(raised_on + timedelta(days=rng.randint(10, 45)), rng.randint(14, 21))
            item.client_visible = pain_point not in texts.INTERNAL_ACTION_TAGS
        item.updated_at = item.completed_at or item.created_at
        session.add(item)
    await session.flush()


def _status_by_age(*, age_days: int) -> ActionItemStatus:
    """Items are triaged at the monthly CX review and most are closed within the following month."""
    if age_days > 60:
        return ActionItemStatus.DONE
    if age_days > 30:
        return ActionItemStatus.IN_PROGRESS
    return ActionItemStatus.OPEN


async def add_mystery_shops(
    *, session: AsyncSession, rng: random.Random, cast: Cast, projects: list[SeededProject], today: date
) -> None:
    """Add the CX lead's quarterly scored audits per client; each shop's weakest gap becomes an internal action."""
    touchpoints = list(texts.MYSTERY_SHOP_CRITERIA)
    window_start = reporting_window_start(today)
    for client_index, client in enumerate(cast.clients):
        for shop_index in range(MYSTERY_SHOPS_PER_CLIENT):
            touchpoint = touchpoints[(client_index + shop_index) % len(touchpoints)]
            conducted_on = window_start + timedelta(days=40 + 100 * shop_index + rng.randint(0, 15))
            active = [
                s for s in projects
                if s.client is client and s.project.start_date <= conducted_on <= s.project.end_date
            ]
            seeded = rng.choice(active) if active else None
            criteria = [_criterion(rng=rng, criterion=c) for c in texts.MYSTERY_SHOP_CRITERIA[touchpoint]]
            fully_met = sum(1 for c in criteria if c["score"] == c["max_score"])
            weakest = min(criteria, key=lambda c: c["score"])
            session.add(
                MysteryShop(
                    client_id=client.organization.id,
                    project_id=seeded.project.id if seeded else None,
                    touchpoint=touchpoint,
                    conducted_on=conducted_on,
                    shopper_id=cast.cx_lead.id,
                    criteria=criteria,
                    score_percent=mystery_shop_percent(criteria=criteria),
                    notes=f"{fully_met} of {len(criteria)} criteria fully met.",
                )
            )
            if weakest["score"] < weakest["max_score"]:
                session.add(
                    _shop_follow_up(
                        gap=weakest["criterion"], seeded=seeded, cast=cast, client_id=client.organization.id,
                        conducted_on=conducted_on, today=today,
                    )
                )
    await session.flush()


def _criterion(*, rng: random.Random, criterion: str) -> dict[str, Any]:
    score = rng.choice((2, 3, 4, 4, 5, 5, 5, 5, 5))
    if score == texts.MYSTERY_SHOP_MAX_SCORE:
        note = texts.MYSTERY_SHOP_NOTES["met"]
    elif score >= 3:
        note = texts.MYSTERY_SHOP_NOTES["partly"]
    else:
        note = texts.MYSTERY_SHOP_NOTES["missed"]
    return {"criterion": criterion, "score": score, "max_score": texts.MYSTERY_SHOP_MAX_SCORE, "note": note}


def mystery_shop_percent(*, criteria: list[dict[str, Any]]) -> Decimal:
    """The share of available points a mystery shop earned, as a percentage with two decimals."""
    earned = sum(c["score"] for c in criteria)
    available = sum(c["max_score"] for c in criteria)
    return (Decimal(earned) * 100 / Decimal(available)).quantize(Decimal("0.01"))


def _shop_follow_up(
    *, gap: str, seeded: SeededProject | None, cast: Cast, client_id: int, conducted_on: date, today: date
) -> ActionItem:
    status = _status_by_age(age_days=(today - conducted_on).days)
    created_at = at_utc(conducted_on + timedelta(days=1), 15)
    completed_at = at_utc(conducted_on + timedelta(days=21), 16) if status is ActionItemStatus.DONE else None
    return ActionItem(
        client_id=client_id,
        project_id=seeded.project.id if seeded else None,
        title=f"Mystery shop gap: {gap}",
        status=status,
        client_visible=False,
        owner_id=seeded.manager.id if seeded else cast.cx_lead.id,
        due_date=conducted_on + timedelta(days=30),
        completed_at=completed_at,
        created_at=created_at,
        updated_at=completed_at or created_at,
    )
