"""cxSummary and Client.cxSummary through the schema: each viewer's own numbers, and nothing of anyone else's."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from statistics import NormalDist

from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Context
from api.cx.models import Touchpoint
from api.cx.summary.service import CxWindow, cx_window
from api.organizations.models import Organization
from api.settings import Settings
from tests.api.cx.conftest import World, counting_statements, gid
from tests.fixtures.factories import (
    make_client,
    make_feedback,
    make_invitation,
    make_mystery_shop,
)
from tests.fixtures.graphql import data_of, execute, schema

SCORES = "sampleSize insufficientData csatSampleSize csatPercent csatMean csatInterval { low high } npsSampleSize nps " \
         "cesSampleSize cesMean"
SUMMARY = f"""
query($clientId: ID, $projectId: ID, $from: Date, $to: Date, $granularity: Granularity) {{
  cxSummary(clientId: $clientId, projectId: $projectId, from: $from, to: $to, granularity: $granularity) {{
    {SCORES} windowStart windowEnd minimumSample responseRate responseRateSampleSize
    mysteryShopScore mysteryShopSampleSize
    trend {{ periodStart {SCORES} }}
    byTouchpoint {{ touchpoint {SCORES} }}
    topPainPoints {{ tag count }}
  }}
}}"""
WINDOW = {"from": "2026-01-01", "to": "2026-06-30"}


async def _answers(session: AsyncSession, client: Organization, rng: random.Random, count: int,
                   start: datetime = datetime(2026, 1, 3, 12, tzinfo=UTC), **overrides: object) -> list[dict]:
    answers = []
    for _ in range(count):
        values = {
            "csat": rng.randint(1, 5), "nps": rng.choice([None, rng.randint(0, 10)]), "ces": rng.randint(1, 7),
            "pain_points": rng.sample(["slow-response", "unclear-scope", "reporting-delays"], rng.randint(0, 2)),
            "touchpoint": rng.choice([Touchpoint.KICKOFF, Touchpoint.MEETING]),
            "submitted_at": start + timedelta(days=rng.randrange(150), hours=rng.randrange(10)),
            **overrides,
        }
        await make_feedback(session, client=client, **values)
        answers.append(values)
    return answers


def _expected(answers: list[dict]) -> dict:
    """The summary numbers computed directly from DESIGN.md's definitions."""
    csat = [a["csat"] for a in answers if a["csat"] is not None]
    nps = [a["nps"] for a in answers if a["nps"] is not None]
    ces = [a["ces"] for a in answers if a["ces"] is not None]
    top = sum(1 for s in csat if s >= 4)
    z, n = NormalDist().inv_cdf(0.975), len(csat)
    p = top / n
    spread = z * math.sqrt(z * z + 4 * n * p * (1 - p))
    low = (2 * n * p + z * z - spread) / (2 * (n + z * z)) if top else 0.0
    high = (2 * n * p + z * z + spread) / (2 * (n + z * z)) if top < n else 1.0
    return {
        "sampleSize": len(answers),
        "csatPercent": round(100 * top / n, 1),
        "csatMean": round(sum(csat) / n, 2),
        "csatInterval": {"low": round(100 * low, 1), "high": round(100 * high, 1)},
        "nps": round(100 * (sum(s >= 9 for s in nps) - sum(s <= 6 for s in nps)) / len(nps), 1) if len(nps) >= 5 else None,
        "cesMean": round(sum(ces) / len(ces), 2),
    }


async def test_a_client_contact_gets_their_own_clients_numbers(session: AsyncSession, world: World) -> None:
    rng = random.Random(7)
    alpha_answers = await _answers(session, world.alpha, rng, 14)
    await _answers(session, world.beta, rng, 9, csat=1, nps=0)
    summary = (await data_of(session, world.alpha_contact, SUMMARY, **WINDOW))["cxSummary"]
    expected = _expected(alpha_answers)
    assert {key: summary[key] for key in expected} == expected
    assert summary["insufficientData"] is False and summary["windowStart"] == "2026-01-01"
    assert summary["mysteryShopScore"] is None and summary["mysteryShopSampleSize"] is None
    assert summary["responseRate"] is None and summary["responseRateSampleSize"] == 0
    assert sum(point["sampleSize"] for point in summary["trend"]) == 14
    assert [point["periodStart"] for point in summary["trend"]] == [f"2026-0{m}-01" for m in range(1, 7)]
    assert {row["touchpoint"] for row in summary["byTouchpoint"]} <= {"KICKOFF", "MEETING"}
    assert sum(row["sampleSize"] for row in summary["byTouchpoint"]) == 14


async def test_another_clients_id_answers_exactly_like_a_missing_one(session: AsyncSession, world: World) -> None:
    rng = random.Random(11)
    await _answers(session, world.beta, rng, 8)
    await make_mystery_shop(session, client=world.beta)
    hidden = await data_of(session, world.alpha_contact, SUMMARY, clientId=gid("Client", world.beta.id), **WINDOW)
    missing = await data_of(session, world.alpha_contact, SUMMARY, clientId=gid("Client", 999_999), **WINDOW)
    assert hidden == missing
    summary = hidden["cxSummary"]
    assert summary["sampleSize"] == 0 and summary["insufficientData"] is True
    assert summary["csatPercent"] is None and summary["byTouchpoint"] == [] and summary["topPainPoints"] == []
    project = await data_of(session, world.alpha_contact, SUMMARY,
                            projectId=gid("Project", world.beta_project.id), **WINDOW)
    assert project["cxSummary"]["sampleSize"] == 0


async def test_pmo_staff_get_the_portfolio_and_each_client(session: AsyncSession, world: World) -> None:
    rng = random.Random(5)
    alpha_answers = await _answers(session, world.alpha, rng, 7)
    beta_answers = await _answers(session, world.beta, rng, 6, project_id=world.beta_project.id)
    await make_mystery_shop(session, client=world.alpha, score_percent=80)
    await make_mystery_shop(session, client=world.beta, score_percent=65, conducted_on=date(2026, 2, 1))
    await make_mystery_shop(session, client=world.beta, score_percent=99, conducted_on=date(2025, 2, 1))
    portfolio = (await data_of(session, world.staff, SUMMARY, **WINDOW))["cxSummary"]
    both = _expected(alpha_answers + beta_answers)
    assert {key: portfolio[key] for key in both} == both
    assert (portfolio["mysteryShopScore"], portfolio["mysteryShopSampleSize"]) == (72.5, 2)
    beta = (await data_of(session, world.staff, SUMMARY, clientId=gid("Client", world.beta.id), **WINDOW))["cxSummary"]
    expected = _expected(beta_answers)
    assert {key: beta[key] for key in expected} == expected
    assert (beta["mysteryShopScore"], beta["mysteryShopSampleSize"]) == (65.0, 1)
    project = await data_of(session, world.staff, SUMMARY, projectId=gid("Project", world.beta_project.id), **WINDOW)
    assert project["cxSummary"]["sampleSize"] == 6


async def test_below_the_minimum_sample_every_number_is_null(session: AsyncSession, world: World) -> None:
    await _answers(session, world.alpha, random.Random(3), 4)
    summary = (await data_of(session, world.alpha_contact, SUMMARY, **WINDOW))["cxSummary"]
    assert (summary["sampleSize"], summary["insufficientData"], summary["minimumSample"]) == (4, True, 5)
    assert [summary[key] for key in ("csatPercent", "csatMean", "csatInterval", "nps", "cesMean")] == [None] * 5
    context = Context(session=session, principal=world.alpha_contact, settings=Settings(cx_minimum_sample=3),
                      request_id="test-request")
    result = await schema.execute(SUMMARY, variable_values=WINDOW, context_value=context)
    assert result.errors is None
    assert result.data["cxSummary"]["insufficientData"] is False and result.data["cxSummary"]["csatPercent"] is not None


async def test_trend_buckets_cross_the_year_by_month_and_quarter(session: AsyncSession, world: World) -> None:
    days = [datetime(2025, 11, 30, 23, 59, tzinfo=UTC), datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
            datetime(2026, 1, 1, 0, 0, tzinfo=UTC), datetime(2026, 1, 31, 12, tzinfo=UTC),
            datetime(2026, 2, 28, 12, tzinfo=UTC), datetime(2026, 3, 1, 0, 0, tzinfo=UTC)]
    for day in days:
        await make_feedback(session, client=world.alpha, submitted_at=day, csat=5)
    window = {"from": "2025-11-15", "to": "2026-02-28"}
    monthly = (await data_of(session, world.staff, SUMMARY, clientId=gid("Client", world.alpha.id), **window))
    points = [(p["periodStart"], p["sampleSize"]) for p in monthly["cxSummary"]["trend"]]
    assert points == [("2025-11-01", 1), ("2025-12-01", 1), ("2026-01-01", 2), ("2026-02-01", 1)]
    quarterly = await data_of(session, world.staff, SUMMARY, clientId=gid("Client", world.alpha.id),
                              granularity="QUARTER", **window)
    assert [(p["periodStart"], p["sampleSize"]) for p in quarterly["cxSummary"]["trend"]] == [
        ("2025-10-01", 2), ("2026-01-01", 3)]
    assert quarterly["cxSummary"]["sampleSize"] == 5


async def test_response_rate_counts_answered_and_expired_invitations_for_staff(session: AsyncSession,
                                                                               world: World) -> None:
    answered = datetime(2026, 3, 4, tzinfo=UTC)
    for index in range(8):
        await make_invitation(session, client=world.alpha, responded_at=answered if index < 6 else None,
                              uses=int(index < 6))
    still_open = datetime.now(UTC) + timedelta(days=3)
    await make_invitation(session, client=world.alpha, sent_at=datetime.now(UTC), expires_at=still_open)
    summary = (await data_of(session, world.staff, SUMMARY, clientId=gid("Client", world.alpha.id), **WINDOW))
    assert (summary["cxSummary"]["responseRate"], summary["cxSummary"]["responseRateSampleSize"]) == (75.0, 8)


async def test_client_cx_summary_is_batched_over_clients(session: AsyncSession, world: World) -> None:
    query = """query { clients(first: 50) { edges { node { slug
      cxSummary(from: "2026-01-01", to: "2026-06-30") { sampleSize csatPercent trend(granularity: QUARTER) { sampleSize } }
    } } } }"""
    rng = random.Random(2)
    await _answers(session, world.alpha, rng, 5, csat=4)
    await _answers(session, world.beta, rng, 2)
    with counting_statements(session) as few:
        data = await data_of(session, world.staff, query)
    by_slug = {edge["node"]["slug"]: edge["node"]["cxSummary"] for edge in data["clients"]["edges"]}
    assert by_slug["alpha"]["sampleSize"] == 5 and by_slug["alpha"]["csatPercent"] == 100.0
    assert by_slug["beta"]["sampleSize"] == 2 and by_slug["beta"]["csatPercent"] is None
    for number in range(4):
        client = await make_client(session, slug=f"extra-{number}")
        await _answers(session, client, rng, 3)
    with counting_statements(session) as many:
        await data_of(session, world.staff, query)
    assert len(many) == len(few)
    contact = await data_of(session, world.alpha_contact, query)
    assert [edge["node"]["slug"] for edge in contact["clients"]["edges"]] == ["alpha"]


async def test_a_window_must_run_forwards(session: AsyncSession, world: World) -> None:
    result = await execute(session, world.staff, SUMMARY, **{"from": "2026-05-01", "to": "2026-04-01"})
    assert result.errors and result.errors[0].extensions["code"] == "INVALID"


def test_the_default_window_is_the_twelve_calendar_months_up_to_today() -> None:
    assert cx_window(start=None, end=None, today=date(2026, 1, 15)) == CxWindow(date(2025, 2, 1), date(2026, 1, 15))
    assert cx_window(start=None, end=date(2026, 12, 31)) == CxWindow(date(2026, 1, 1), date(2026, 12, 31))
    assert cx_window(start=date(2016, 1, 1), end=date(2025, 12, 31)).start == date(2016, 1, 1)


async def test_without_dates_the_summary_ends_today(session: AsyncSession, world: World) -> None:
    await make_feedback(session, client=world.alpha, submitted_at=datetime.now(UTC) - timedelta(days=1))
    await make_feedback(session, client=world.alpha, submitted_at=datetime.now(UTC) - timedelta(days=400))
    summary = (await data_of(session, world.alpha_contact, SUMMARY))["cxSummary"]
    assert summary["windowEnd"] == datetime.now(UTC).date().isoformat() and summary["sampleSize"] == 1
    assert len(summary["trend"]) == 12
