"""Detractors are flagged on each response and can be listed on their own for PMO staff to follow up."""

from __future__ import annotations

import itertools

from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.metrics import is_detractor
from tests.api.cx.conftest import World
from tests.fixtures.factories import make_feedback
from tests.fixtures.graphql import data_of, global_id

QUERY = """query($detractor: Boolean, $client: ID) {
  feedback(first: 100, detractor: $detractor, clientId: $client) { edges { node { csat nps isDetractor } } }
}"""
CSAT = (None, 1, 2, 3, 5)
NPS = (None, 0, 6, 7, 9, 10)


async def test_every_score_combination_is_flagged_and_filtered_like_the_metric_rule(
    session: AsyncSession, world: World
) -> None:
    combinations = [(c, n) for c, n in itertools.product(CSAT, NPS) if c is not None or n is not None]
    for csat, nps in combinations:
        await make_feedback(session, client=world.alpha, csat=csat, nps=nps)
    client = global_id("Client", world.alpha.id)

    everyone = (await data_of(session, world.staff, QUERY, client=client))["feedback"]["edges"]
    assert len(everyone) == len(combinations)
    assert all(e["node"]["isDetractor"] is is_detractor(csat=e["node"]["csat"], nps=e["node"]["nps"]) for e in everyone)

    detractors = (await data_of(session, world.staff, QUERY, detractor=True, client=client))["feedback"]["edges"]
    others = (await data_of(session, world.staff, QUERY, detractor=False, client=client))["feedback"]["edges"]
    expected = sum(is_detractor(csat=c, nps=n) for c, n in combinations)
    assert len(detractors) == expected and all(e["node"]["isDetractor"] for e in detractors)
    assert len(others) == len(combinations) - expected and not any(e["node"]["isDetractor"] for e in others)
