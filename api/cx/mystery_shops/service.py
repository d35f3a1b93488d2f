"""Mystery shops: the PMO's internal, scored audits of a touchpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit_service
from api.auth.people import pmo_person
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.changes.events import record_event
from api.cx.metrics import mystery_shop_percent
from api.cx.models import Touchpoint
from api.cx.mystery_shops.events import MysteryShopRecorded
from api.cx.mystery_shops.models import MysteryShop
from api.cx.references import narrowed, subject_of
from api.kit.batches import in_order
from api.kit.columns import utcnow
from api.kit.errors import Validator
from api.kit.pagination import Page, PageRequest, paginate

MYSTERY_SHOP_ORDER = [MysteryShop.conducted_on, MysteryShop.id]
MAX_CRITERIA = 50
CRITERION_MAX_LENGTH = 200
MAX_POINTS = 100
NOTE_MAX_LENGTH = 1000
NOTES_MAX_LENGTH = 4000


async def list_mystery_shops(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageRequest,
    client_id: int | None = None,
    project_id: int | None = None,
    touchpoint: Touchpoint | None = None,
) -> Page[MysteryShop]:
    """Mystery shops the principal may see (PMO staff only), most recent first, with optional filters."""
    statement = narrowed(_visible(principal), MysteryShop, client_id=client_id, project_id=project_id,
                         touchpoint=touchpoint)
    return await paginate(session, statement, key=MYSTERY_SHOP_ORDER, page=page, descending=True)


async def mystery_shops_by_ids(session: AsyncSession, *, principal: Principal,
                               ids: Sequence[int]) -> list[MysteryShop | None]:
    """Mystery shops for `ids` in order; None where missing or not visible."""
    return in_order(await session.scalars(_visible(principal).where(MysteryShop.id.in_(ids))), ids)


def _visible(principal: Principal) -> Select[tuple[MysteryShop]]:
    return scoped(select(MysteryShop), MysteryShop, principal)


@dataclass(frozen=True)
class Criterion:
    """One checklist line of a mystery shop and the points it earned."""

    criterion: str
    score: int
    max_score: int
    note: str = ""


@dataclass(frozen=True)
class MysteryShopRecord:
    """A mystery shop as the shopper reports it."""

    client_id: int
    touchpoint: Touchpoint
    conducted_on: date
    criteria: tuple[Criterion, ...]
    project_id: int | None = None
    notes: str = ""
    shopper_email: str | None = None


def _check_record(record: MysteryShopRecord, *, today: date) -> None:
    validator = Validator()
    validator.check(1 <= len(record.criteria) <= MAX_CRITERIA, "criteria",
                    f"a mystery shop scores 1 to {MAX_CRITERIA} criteria")
    for number, line in enumerate(record.criteria, start=1):
        validator.check(1 <= len(line.criterion.strip()) <= CRITERION_MAX_LENGTH, "criteria",
                        f"criterion {number}: its text must be 1 to {CRITERION_MAX_LENGTH} characters")
        validator.check(1 <= line.max_score <= MAX_POINTS, "criteria",
                        f"criterion {number}: maxScore must be between 1 and {MAX_POINTS}")
        validator.check(0 <= line.score <= line.max_score, "criteria",
                        f"criterion {number}: score must be between 0 and its maxScore")
        validator.check(len(line.note) <= NOTE_MAX_LENGTH, "criteria",
                        f"criterion {number}: its note must be at most {NOTE_MAX_LENGTH} characters")
    validator.check(record.conducted_on <= today, "conductedOn", "a mystery shop cannot be recorded ahead of time")
    validator.check(len(record.notes) <= NOTES_MAX_LENGTH, "notes",
                    f"notes must be at most {NOTES_MAX_LENGTH} characters")
    validator.raise_if_any()


async def record_mystery_shop(session: AsyncSession, *, principal: Principal, record: MysteryShopRecord,
                              today: date | None = None) -> MysteryShop:
    """Store a mystery shop with its score: the share of available points earned."""
    require_pmo_staff(principal)
    _check_record(record, today=today or utcnow().date())
    subject = await subject_of(session, principal=principal, client_id=record.client_id, project_id=record.project_id)
    shopper = None
    if record.shopper_email:
        shopper = await pmo_person(session, email=record.shopper_email, field="shopperEmail")
    shop = MysteryShop(
        client_id=subject.client_id,
        project_id=subject.project.id if subject.project else None,
        touchpoint=record.touchpoint,
        conducted_on=record.conducted_on,
        shopper_id=shopper.id if shopper else principal.user_id,
        criteria=[
            {"criterion": line.criterion.strip(), "score": line.score, "max_score": line.max_score, "note": line.note}
            for line in record.criteria
        ],
        score_percent=mystery_shop_percent([(line.score, line.max_score) for line in record.criteria]),
        notes=record.notes,
    )
    session.add(shop)
    await session.flush()
    await audit_service.record(
        session, principal=principal, action="mystery_shop.record", object_type="MysteryShop", object_id=shop.id,
        organization_id=shop.client_id,
        details={"touchpoint": shop.touchpoint.value, "score_percent": str(shop.score_percent)},
    )
    record_event(session, MysteryShopRecorded(client_id=shop.client_id, actor_user_id=principal.user_id,
                                              mystery_shop_id=shop.id))
    return shop
