"""Actual cost, period by period: entries are recorded and corrected by amendment, never edited, and the
project's actual cost to date is always the sum of the entries that stand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.audit import service as audit_service
from api.auth.permissions import require_pmo_staff
from api.auth.principal import Principal
from api.auth.scoping import scoped
from api.kit.columns import utcnow
from api.kit.errors import Conflict, InvalidInput, NotFound, Validator
from api.kit.money import CENTS
from api.kit.pagination import Page, PageRequest, paginate_children
from api.projects import service as project_service
from api.projects.models import ActualCost, Project
from api.projects.rules import parse_signed_amount

NOTE_LENGTH = 2000
OPENING_NOTE = "Opening balance: the actual cost to date when the project was recorded"
FUTURE_LIMIT = timedelta(days=366)  # a period may end later this year, not in a year to come
COST_ORDER = [ActualCost.period_end, ActualCost.id]
MAX_TOTAL = Decimal("1000000000000")  # what the cost-to-date column holds


def standing() -> object:
    """The condition of an entry no later entry amends: only these count."""
    later = aliased(ActualCost)
    return ~exists(select(later.id).where(later.amends_id == ActualCost.id))


async def record_actual_cost(session: AsyncSession, *, principal: Principal, project_id: int, period_end: date,
                             amount: str, note: str = "", amends_id: int | None = None) -> ActualCost:
    """Record a period's actual cost (PMO staff), or correct an entry with one that amends it."""
    require_pmo_staff(principal)
    project = await project_service.get_project(session, principal=principal, project_id=project_id,
                                                field="projectId")
    validator = Validator()
    value = parse_signed_amount(validator, amount, "amount")
    validator.check(len(note) <= NOTE_LENGTH, "note", f"the note is at most {NOTE_LENGTH} characters")
    validator.check(period_end <= utcnow().date() + FUTURE_LIMIT, "periodEnd",
                    "periodEnd may be at most a year from today")
    validator.raise_if_any()
    amended = None
    if amends_id is not None:
        amended = await session.scalar(scoped(select(ActualCost), ActualCost, principal)
                                       .where(ActualCost.id == amends_id, ActualCost.project_id == project.id)
                                       .with_for_update())
        if amended is None:
            raise NotFound("no such cost entry on this project", field="amendsId")
        if await session.scalar(select(ActualCost.id).where(ActualCost.amends_id == amended.id)) is not None:
            raise Conflict("this entry was corrected already: amend the latest correction", field="amendsId")
    assert value is not None
    return await add_entry(session, principal=principal, project=project, period_end=period_end, amount=value,
                           note=note.strip(), amends=amended)


async def add_entry(session: AsyncSession, *, principal: Principal, project: Project, period_end: date,
                    amount: Decimal, note: str, amends: ActualCost | None = None) -> ActualCost:
    """Add a checked entry, bring the project's cost to date to the new sum, and audit it. The project's row is
    locked first, so entries recorded at the same moment each see the others in the sum; a sum out of range is
    refused (the caller's savepoint takes the entry back)."""
    await session.execute(select(Project.id).where(Project.id == project.id).with_for_update()
                          .execution_options(tenant_backstop=False))
    entry = ActualCost(project_id=project.id, period_end=period_end, amount=amount, note=note,
                       amends_id=amends.id if amends else None, recorded_by_id=principal.user_id,
                       recorded_at=utcnow())
    session.add(entry)
    await session.flush()
    total = await cost_to_date(session, project_id=project.id)
    if not 0 <= total < MAX_TOTAL:
        raise InvalidInput("this entry would bring the cost to date below zero or past 999,999,999,999.99",
                           field="amount")
    project.actual_cost = total
    await session.flush()
    details = {"period_end": period_end.isoformat(), "amount": str(amount), "note": note}
    if amends is not None:
        details |= {"amends": amends.id, "was": str(amends.amount), "period_end_was": amends.period_end.isoformat()}
    await audit_service.record(session, principal=principal,
                               action="actual_cost.amend" if amends else "actual_cost.record",
                               object_type="ActualCost", object_id=entry.id, organization_id=project.client_id,
                               details=details)
    return entry


async def cost_to_date(session: AsyncSession, *, project_id: int) -> Decimal:
    """The sum of the project's standing entries."""
    total = await session.scalar(select(func.coalesce(func.sum(ActualCost.amount), 0))
                                 .where(ActualCost.project_id == project_id, standing())
                                 .execution_options(tenant_backstop=False))
    return Decimal(total).quantize(CENTS)


async def cost_pages_by_project(session: AsyncSession, *, principal: Principal, project_ids: Sequence[int],
                                page: PageRequest) -> list[Page[ActualCost]]:
    """One page of entries the principal may see (money: PMO staff, or the client when shared) per project, by
    period, in one query for all of them."""
    return await paginate_children(session, scoped(select(ActualCost), ActualCost, principal), entity=ActualCost,
                                   parent=ActualCost.project_id, parent_ids=project_ids, key=COST_ORDER, page=page)


async def actual_costs_by_ids(session: AsyncSession, *, principal: Principal,
                              ids: Sequence[int]) -> list[tuple[ActualCost, str] | None]:
    """Entries for `ids` in order, each with its project's currency; None where missing or not visible."""
    rows = await session.execute(scoped(select(ActualCost, Project.currency), ActualCost, principal)
                                 .join(Project, Project.id == ActualCost.project_id).where(ActualCost.id.in_(ids)))
    found = {entry.id: (entry, currency) for entry, currency in rows}
    return [found.get(entry_id) for entry_id in ids]


async def amended_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[bool]:
    """For each entry, in order, whether a later one amends it."""
    amended = set(await session.scalars(select(ActualCost.amends_id).where(ActualCost.amends_id.in_(list(ids)))
                                        .execution_options(tenant_backstop=False)))
    return [entry_id in amended for entry_id in ids]
