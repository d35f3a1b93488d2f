"""Earned value through the API: exact for PMO staff, indices without amounts for a client that does not share
its financials, nothing for subcontractors or other clients; trends, portfolios, and suggested health."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.earned_value.world import AS_OF, CANARY_AMOUNTS, EvmWorld, add_project, make_evm_world
from tests.fixtures.factories import make_client
from tests.fixtures.graphql import counted_statements, data_of, execute, global_id

EVM_FIELDS = """asOf budgetAtCompletion { amount currency } plannedValue { amount } earnedValue { amount }
  actualCost { amount } scheduleVariance { amount } costVariance { amount } schedulePerformanceIndex
  costPerformanceIndex estimateAtCompletion { amount } eacAtBudgetRate { amount } eacComposite { amount }
  estimateToComplete { amount } varianceAtCompletion { amount } toCompletePerformanceIndex earnedSchedule
  schedulePerformanceIndexTime unallocatedBudget { amount } percentPlanned percentEarned
  suggestedHealth { schedule cost disagrees }"""
PROJECT = f"""query($id: ID!, $asOf: Date) {{ node(id: $id) {{ ... on Project {{ code
  earnedValue(asOf: $asOf) {{ {EVM_FIELDS} }}
  earnedValueTrend(from: "2026-01-01", to: "2026-04-30") {{ asOf earnedValue {{ amount }} percentEarned }}
  actualCosts(first: 10) {{ edges {{ node {{ periodEnd amount {{ amount }} }} }} }}
  financials {{ actualCostToDate {{ amount }} }} }} }} }}"""


@pytest.fixture
async def world(session: AsyncSession) -> EvmWorld:
    return await make_evm_world(session)


async def _project(session: AsyncSession, who: Any, project_id: int) -> Any:
    return (await data_of(session, who, PROJECT, id=global_id("Project", project_id), asOf=AS_OF.isoformat()))["node"]


async def test_pmo_staff_read_every_measure_exactly(session: AsyncSession, world: EvmWorld) -> None:
    found = (await _project(session, world.staff, world.shared_id))["earnedValue"]
    assert found["asOf"] == "2026-04-01"
    amounts = {name: value["amount"] for name, value in found.items() if isinstance(value, dict) and "amount" in value}
    assert amounts == {"budgetAtCompletion": "100.00", "plannedValue": "50.00", "earnedValue": "40.00",
                       "actualCost": "45.00", "scheduleVariance": "-10.00", "costVariance": "-5.00",
                       "estimateAtCompletion": "112.50", "eacAtBudgetRate": "105.00", "eacComposite": "129.38",
                       "estimateToComplete": "67.50", "varianceAtCompletion": "-12.50", "unallocatedBudget": "0.00"}
    assert (found["schedulePerformanceIndex"], found["costPerformanceIndex"]) == (0.8, 0.889)
    assert (found["toCompletePerformanceIndex"], found["earnedSchedule"], found["schedulePerformanceIndexTime"]) == (
        1.091, 1.8, 0.6)
    assert (found["percentPlanned"], found["percentEarned"]) == (50.0, 40.0)
    # SPI 0.8 and CPI 0.889 are RED against 0.95 / 0.90; the project records GREEN for both.
    assert found["suggestedHealth"] == {"schedule": "RED", "cost": "RED", "disagrees": True}


async def test_a_client_without_shared_financials_gets_indices_and_never_an_amount(
        session: AsyncSession, world: EvmWorld) -> None:
    staff_view = await _project(session, world.staff, world.hidden_id)
    amounts = {match for match in re.findall(r'"amount": "(-?\d+)\.\d\d"', json.dumps(staff_view))
               if len(match.lstrip("-")) >= 4}
    assert amounts  # the canaries: every amount PMO staff read about this project
    seen = await _project(session, world.executive, world.hidden_id)
    evm = seen["earnedValue"]
    assert evm["schedulePerformanceIndex"] == 0.8 and evm["percentEarned"] == 40.0
    assert all(evm[name] is None for name in ("budgetAtCompletion", "plannedValue", "earnedValue", "actualCost",
                                              "estimateAtCompletion", "eacComposite", "unallocatedBudget"))
    assert evm["suggestedHealth"] is None
    assert seen["actualCosts"]["edges"] == [] and seen["financials"] is None
    assert all(point["earnedValue"] is None for point in seen["earnedValueTrend"])
    text = json.dumps(seen)
    assert [amount for amount in (*amounts, *CANARY_AMOUNTS) if amount.lstrip("-") in text] == []


async def test_a_client_that_shares_its_financials_reads_the_amounts_too(session: AsyncSession,
                                                                          world: EvmWorld) -> None:
    seen = await _project(session, world.executive, world.shared_id)
    assert seen["earnedValue"]["earnedValue"] == {"amount": "40.00"}
    assert seen["earnedValue"]["suggestedHealth"] is None
    assert [edge["node"]["amount"]["amount"] for edge in seen["actualCosts"]["edges"]] == ["45.00"]


async def test_subcontractors_and_other_clients_see_none_of_it(session: AsyncSession, world: EvmWorld) -> None:
    assigned = await _project(session, world.subcontractor, world.hidden_id)
    assert assigned["code"] == "HB-1" and assigned["earnedValue"] is None and assigned["earnedValueTrend"] is None
    assert assigned["actualCosts"]["edges"] == [] and assigned["financials"] is None
    assert await _project(session, world.rival, world.hidden_id) is None


async def test_the_trend_has_one_point_per_month_end_and_reads_the_past_from_history(
        session: AsyncSession, world: EvmWorld) -> None:
    trend = (await _project(session, world.staff, world.shared_id))["earnedValueTrend"]
    assert [(p["asOf"], p["earnedValue"]["amount"]) for p in trend] == [
        ("2026-01-31", "15.00"), ("2026-02-28", "15.00"), ("2026-03-31", "40.00"), ("2026-04-30", "40.00")]
    weekly = await data_of(session, world.staff, """query($id: ID!) { node(id: $id) { ... on Project {
        earnedValueTrend(from: "2026-03-01", to: "2026-03-31", granularity: WEEK) { asOf } } } }""",
                           id=global_id("Project", world.shared_id))
    assert [p["asOf"] for p in weekly["node"]["earnedValueTrend"]] == [
        "2026-03-01", "2026-03-08", "2026-03-15", "2026-03-22", "2026-03-29"]


@pytest.mark.parametrize(("start", "end", "granularity"), [("2026-05-01", "2026-04-01", "MONTH"),
                                                          ("2000-01-01", "2026-01-01", "WEEK")])
async def test_a_bad_trend_range_is_a_typed_error(session: AsyncSession, world: EvmWorld, start: str, end: str,
                                                  granularity: str) -> None:
    result = await execute(session, world.staff, f"""query($id: ID!) {{ node(id: $id) {{ ... on Project {{
        earnedValueTrend(from: "{start}", to: "{end}", granularity: {granularity}) {{ asOf }} }} }} }}""",
                           id=global_id("Project", world.shared_id))
    assert result.errors and result.errors[0].extensions["code"] == "INVALID"


PORTFOLIO = """query($asOf: Date) { clients(first: 10) { edges { node { slug portfolio(asOf: $asOf) {
  totals { currency projects budgetAtCompletion { amount } earnedValue { amount } schedulePerformanceIndex
           costPerformanceIndex percentEarned }
  healthCounts { health count }
  projects { schedulePerformanceIndex costPerformanceIndex project { code } } } } } } }"""


async def test_a_portfolio_sums_amounts_and_computes_its_indices_from_the_sums(session: AsyncSession,
                                                                                world: EvmWorld) -> None:
    staff = await data_of(session, world.staff, PORTFOLIO, asOf=AS_OF.isoformat())
    by_slug = {edge["node"]["slug"]: edge["node"]["portfolio"] for edge in staff["clients"]["edges"]}
    [totals] = by_slug["harbor"]["totals"]
    assert totals["projects"] == 2 and totals["budgetAtCompletion"] == {"amount": "7654421.00"}
    # SPI from the sums (EV 3061768.40 / PV 3827210.50), not the average of the projects' SPIs.
    assert totals["schedulePerformanceIndex"] == 0.8 and totals["costPerformanceIndex"] == 2.48
    assert [p["project"]["code"] for p in by_slug["harbor"]["projects"]] == ["HB-1", "HB-2"]
    assert by_slug["harbor"]["healthCounts"] == [{"health": "GREEN", "count": 2}]
    client = await data_of(session, world.executive, PORTFOLIO, asOf=AS_OF.isoformat())
    [edge] = client["clients"]["edges"]
    [totals] = edge["node"]["portfolio"]["totals"]
    assert totals["budgetAtCompletion"] is None and totals["earnedValue"] is None  # one project does not share
    assert totals["schedulePerformanceIndex"] == 0.8
    assert (await data_of(session, world.subcontractor, PORTFOLIO))["clients"]["edges"][0]["node"]["portfolio"] is None
    root = "query($id: ID) { portfolio(clientId: $id) { totals { projects } } }"
    assert (await data_of(session, world.staff, root, id=None))["portfolio"]["totals"] == [{"projects": 3}]
    assert (await data_of(session, world.executive, root, id=None)) == {"portfolio": None}


async def test_the_portfolio_reads_in_a_constant_number_of_statements(session: AsyncSession,
                                                                       world: EvmWorld) -> None:
    async def count() -> int:
        with counted_statements(session) as statements:
            await data_of(session, world.staff, PORTFOLIO, asOf=AS_OF.isoformat())
        return len(statements)

    before = await count()
    extra = await make_client(session, slug="extra", name="Extra Client")
    for n in range(4):
        await add_project(session, client=extra, code=f"EX-{n}", budget=Decimal("90.00"), shared=True,
                          cost=Decimal("5.00"))
    assert await count() == before


async def test_each_milestone_has_its_part_of_the_earned_value(session: AsyncSession, world: EvmWorld) -> None:
    query = """query($id: ID!) { node(id: $id) { ... on Project { earnedValue(asOf: "2026-04-01") {
        milestones { milestone { name } budgetAtCompletion { amount } plannedValue { amount } earnedValue { amount }
                     percentPlanned percentEarned } } } } }"""
    staff = (await data_of(session, world.staff, query, id=global_id("Project", world.shared_id)))["node"]
    parts = staff["earnedValue"]["milestones"]
    assert [(p["budgetAtCompletion"]["amount"], p["plannedValue"]["amount"], p["earnedValue"]["amount"],
             p["percentPlanned"], p["percentEarned"]) for p in parts] == [
        ("50.00", "50.00", "40.00", 100.0, 80.0), ("50.00", "0.00", "0.00", 0.0, 0.0)]
    assert all(p["milestone"]["name"] for p in parts)
    client = (await data_of(session, world.executive, query, id=global_id("Project", world.hidden_id)))["node"]
    assert [(p["plannedValue"], p["percentEarned"]) for p in client["earnedValue"]["milestones"]] == [
        (None, 80.0), (None, 0.0)]
