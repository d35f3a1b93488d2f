"""recordMysteryShop and mysteryShops: computed scores, and invisible to client users in every path."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.cx.mystery_shops.models import MysteryShop
from tests.api.cx.conftest import World, count_rows, gid
from tests.fixtures.factories import make_mystery_shop
from tests.fixtures.graphql import data_of, execute

RECORD = """
mutation($input: RecordMysteryShopInput!) {
  recordMysteryShop(input: $input) {
    mysteryShop { id touchpoint conductedOn scorePercent notes criteria { criterion score maxScore note }
                  shopper { name } project { code } client { slug } }
    userErrors { field message code }
  }
}"""
CRITERIA = [
    {"criterion": "Agenda sent a day ahead", "score": 5, "maxScore": 5},
    {"criterion": "Decisions recorded", "score": 2, "maxScore": 3, "note": "Two of three."},
    {"criterion": "Follow-ups within 24 hours", "score": 0, "maxScore": 4},
]


def _input(world: World, **extra: object) -> dict:
    return {"clientId": gid("Client", world.alpha.id), "touchpoint": "MEETING", "conductedOn": "2026-03-03",
            "criteria": CRITERIA, **extra}


async def test_staff_record_a_shop_whose_score_is_computed(session: AsyncSession, world: World) -> None:
    payload = (await data_of(session, world.staff, RECORD, input=_input(
        world, projectId=gid("Project", world.alpha_project.id), notes="Good agenda.")))["recordMysteryShop"]
    assert payload["userErrors"] == []
    shop = payload["mysteryShop"]
    assert shop["scorePercent"] == 58.33  # 7 of 12 points
    assert shop["criteria"][1] == {"criterion": "Decisions recorded", "score": 2, "maxScore": 3, "note": "Two of three."}
    assert shop["shopper"] == {"name": "Pat Manager"} and shop["project"] == {"code": "A-1"}
    row = await session.scalar(select(MysteryShop))
    assert row.score_percent == Decimal("58.33")


@pytest.mark.parametrize(("changes", "field"), [
    ({"criteria": []}, "criteria"),
    ({"criteria": [{"criterion": "Too many points", "score": 6, "maxScore": 5}]}, "criteria"),
    ({"criteria": [{"criterion": "Negative", "score": -1, "maxScore": 5}]}, "criteria"),
    ({"criteria": [{"criterion": "No points to earn", "score": 0, "maxScore": 0}]}, "criteria"),
    ({"criteria": [{"criterion": " ", "score": 1, "maxScore": 5}]}, "criteria"),
    ({"conductedOn": "2999-01-01"}, "conductedOn"),
])
async def test_invalid_shops_are_refused(session: AsyncSession, world: World, changes: dict, field: str) -> None:
    payload = (await data_of(session, world.staff, RECORD, input=_input(world, **changes)))["recordMysteryShop"]
    assert payload["mysteryShop"] is None
    assert {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]} == {(("input", field), "INVALID")}
    assert await count_rows(session, MysteryShop) == 0


async def test_mystery_shops_are_invisible_to_client_users_in_every_path(session: AsyncSession, world: World) -> None:
    shop = await make_mystery_shop(session, client=world.alpha, project_id=world.alpha_project.id)
    shop_id = gid("MysteryShop", shop.id)
    query = """query($id: ID!, $client: ID!) {
      node(id: $id) { id } nodes(ids: [$id]) { id }
      mysteryShops(first: 10) { totalCount edges { node { id } } }
      mine: mysteryShops(first: 10, clientId: $client) { totalCount }
      cxSummary(clientId: $client, from: "2026-01-01", to: "2026-12-31") { mysteryShopScore mysteryShopSampleSize }
      clients(first: 5) { edges { node { cxSummary(from: "2026-01-01", to: "2026-12-31") { mysteryShopScore } } } }
    }"""
    for viewer in (world.alpha_contact, world.subcontractor):
        result = await execute(session, viewer, query, id=shop_id, client=gid("Client", world.alpha.id))
        assert result.errors is None
        data = result.data
        assert data["node"] is None and data["nodes"] == [None]
        assert data["mysteryShops"] == {"totalCount": 0, "edges": []} and data["mine"] == {"totalCount": 0}
        assert data["cxSummary"] == {"mysteryShopScore": None, "mysteryShopSampleSize": None}
        assert all(edge["node"]["cxSummary"]["mysteryShopScore"] is None for edge in data["clients"]["edges"])
    refused = await data_of(session, world.alpha_contact, RECORD, input=_input(world))
    assert refused["recordMysteryShop"]["userErrors"][0]["code"] == "FORBIDDEN"
    staff = await data_of(session, world.staff, query, id=shop_id, client=gid("Client", world.alpha.id))
    assert staff["node"] == {"id": shop_id} and staff["mine"] == {"totalCount": 1}
    assert staff["cxSummary"] == {"mysteryShopScore": 80.0, "mysteryShopSampleSize": 1}
