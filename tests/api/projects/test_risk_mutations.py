"""createRisk and updateRisk: PMO staff only, severity derived from the scores, INTERNAL until shared."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.projects.models import Risk
from tests.api.projects.conftest import World, count_rows, global_id
from tests.fixtures.graphql import data_of

CREATE = """
mutation($input: CreateRiskInput!) { createRisk(input: $input) {
  risk { kind title probability impact severity ownerName status visibility raisedOn project { code } }
  userErrors { field message code }
} }"""
UPDATE = """
mutation($input: UpdateRiskInput!) { updateRisk(input: $input) {
  risk { title probability impact severity status visibility }
  userErrors { field message code }
} }"""
RISKS = "query($id: ID!) { project(id: $id) { risks(first: 10) { edges { node { title } } } } }"


def _new(world: World, **overrides: object) -> dict:
    return {"projectId": global_id("Project", world.a1.id), "title": "Key user unavailable", "probability": 4,
            "impact": 4, "ownerName": "Dana Reyes", **overrides}


async def _state(session: AsyncSession) -> tuple:
    rows = (await session.scalars(select(Risk).order_by(Risk.id))).all()
    for row in rows:
        await session.refresh(row)
    snapshot = tuple((row.title, row.probability, row.impact, row.severity, row.visibility) for row in rows)
    return snapshot, await count_rows(session, AuditEvent)


async def test_a_new_risk_is_internal_scored_and_audited(session: AsyncSession, world: World) -> None:
    payload = (await data_of(session, world.staff, CREATE, input=_new(world)))["createRisk"]
    assert payload == {"userErrors": [], "risk": {
        "kind": "RISK", "title": "Key user unavailable", "probability": 4, "impact": 4, "severity": "CRITICAL",
        "ownerName": "Dana Reyes", "status": "OPEN", "visibility": "INTERNAL",
        "raisedOn": datetime.now(UTC).date().isoformat(), "project": {"code": "A-1"}}}
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "risk.create"))
    assert event.object_type == "Risk" and event.organization_id == world.alpha.id
    assert event.details["severity"] == "CRITICAL" and event.details["visibility"] == "INTERNAL"
    client_view = await data_of(session, world.alpha_contact, RISKS, id=global_id("Project", world.a1.id))
    assert "Key user unavailable" not in {edge["node"]["title"] for edge in client_view["project"]["risks"]["edges"]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"probability": 0}, "probability"),
        ({"probability": 6}, "probability"),
        ({"impact": 0}, "impact"),
        ({"impact": 9}, "impact"),
        ({"title": " "}, "title"),
        ({"ownerName": ""}, "ownerName"),
        ({"ownerName": "O" * 201}, "ownerName"),
    ],
)
async def test_each_rule_refuses_a_new_risk_and_changes_nothing(
    session: AsyncSession, world: World, overrides: dict, field: str
) -> None:
    before = await _state(session)
    payload = (await data_of(session, world.staff, CREATE, input=_new(world, **overrides)))["createRisk"]
    assert payload["risk"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(["input", field], "INVALID")]
    assert await _state(session) == before


@pytest.mark.parametrize(
    ("probability", "impact", "severity"),
    [(5, 5, "CRITICAL"), (3, 5, "CRITICAL"), (4, 3, "HIGH"), (3, 3, "HIGH"), (2, 4, "MEDIUM"), (4, 1, "MEDIUM"),
     (2, 2, "MEDIUM"), (1, 3, "LOW"), (1, 1, "LOW")],
)
async def test_severity_follows_probability_times_impact(
    session: AsyncSession, world: World, probability: int, impact: int, severity: str
) -> None:
    change = {"id": global_id("Risk", world.client_risk.id), "probability": probability, "impact": impact}
    payload = (await data_of(session, world.staff, UPDATE, input=change))["updateRisk"]
    assert payload["risk"]["severity"] == severity


async def test_updating_one_score_rederives_severity(session: AsyncSession, world: World) -> None:
    change = {"id": global_id("Risk", world.client_risk.id), "impact": 1}
    payload = (await data_of(session, world.staff, UPDATE, input=change))["updateRisk"]
    assert payload["risk"] == {"title": "Data quality", "probability": 4, "impact": 1, "severity": "MEDIUM",
                               "status": "OPEN", "visibility": "CLIENT"}
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "risk.update"))
    assert event.details == {"impact": 1, "severity": "MEDIUM"}


async def test_sharing_an_internal_risk_shows_it_to_the_client(session: AsyncSession, world: World) -> None:
    change = {"id": global_id("Risk", world.internal_risk.id), "visibility": "CLIENT", "status": "MITIGATING"}
    assert (await data_of(session, world.staff, UPDATE, input=change))["updateRisk"]["userErrors"] == []
    client_view = await data_of(session, world.alpha_contact, RISKS, id=global_id("Project", world.a1.id))
    assert {edge["node"]["title"] for edge in client_view["project"]["risks"]["edges"]} == {"Data quality",
                                                                                          "Staff turnover"}


async def test_only_pmo_staff_change_registers_and_hidden_ids_answer_like_missing_ones(
    session: AsyncSession, world: World
) -> None:
    before = await _state(session)
    for viewer in (world.alpha_executive, world.beta_contact, world.subcontractor):
        answers = [await data_of(session, viewer, UPDATE, input={"id": global_id("Risk", risk_id), "title": "X"})
                   for risk_id in (world.client_risk.id, world.internal_risk.id, world.b1_risk.id, 999_999)]
        assert all(answer == answers[0] for answer in answers)
        assert answers[0]["updateRisk"]["userErrors"][0]["code"] == "FORBIDDEN"
        created = [await data_of(session, viewer, CREATE, input=_new(world, projectId=global_id("Project", project_id)))
                   for project_id in (world.a1.id, world.b1.id, 999_999)]
        assert created[0] == created[1] == created[2]
        assert created[0]["createRisk"]["userErrors"][0]["code"] == "FORBIDDEN"
    missing = await data_of(session, world.staff, UPDATE, input={"id": global_id("Risk", 999_999), "title": "X"})
    assert missing["updateRisk"]["userErrors"] == [{"field": ["input", "id"], "message": "no such risk",
                                                    "code": "NOT_FOUND"}]
    new_on_missing = (await data_of(session, world.staff, CREATE,
                                    input=_new(world, projectId=global_id("Project", 999_999))))["createRisk"]
    assert new_on_missing["userErrors"] == [{"field": ["input", "projectId"], "message": "no such project",
                                             "code": "NOT_FOUND"}]
    assert await _state(session) == before
