"""Input no caller should send gets a typed error of the caller's (INVALID, BAD_USER_INPUT), never INTERNAL."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from api.auth.models import Role
from api.auth.principal import Grant, Principal
from api.auth.tokens import ACCESS_TOKEN, sign_token
from api.organizations.models import Organization, OrganizationKind
from api.settings import Settings
from tests.fixtures.factories import make_organization
from tests.fixtures.graphql import execute


async def _staff(session: AsyncSession) -> Principal:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    return Principal(grants=(Grant(organization_id=pmo.id, role=Role.PMO_STAFF),))


def _callers_fault(errors: object) -> str:
    assert errors is not None
    [error] = errors  # type: ignore[misc]
    assert error.extensions["code"] in {"INVALID", "BAD_USER_INPUT"}, error.message
    assert error.extensions["classification"] == "BAD_USER_INPUT"
    return error.message


async def test_a_variable_of_the_wrong_type_is_the_callers_error(session: AsyncSession) -> None:
    result = await execute(session, await _staff(session), "query($first: Int) { projects(first: $first) { totalCount } }",
                           first="x")
    assert "Int cannot represent" in _callers_fault(result.errors)


@pytest.mark.parametrize("window", ['from: "9999-12-30", to: "9999-12-31"', 'to: "0001-01-05"', 'from: "0001-01-01"'])
async def test_a_summary_window_at_the_edge_of_the_calendar_is_refused(session: AsyncSession, window: str) -> None:
    result = await execute(session, await _staff(session), f"{{ cxSummary({window}) {{ responseRate }} }}")
    assert "must lie between 1900-01-01 and 2999-12-31" in _callers_fault(result.errors)


@pytest.mark.parametrize("node_id", ["²", "1" * 25, "0", "-3", "2147483648", " 7"])
@pytest.mark.parametrize("type_name", ["Project", "Client", "Risk", "Milestone", "StatusReport", "SiteBuild",
                                       "ApiToken", "Feedback", "SurveyInvitation", "ActionItem",
                                       "MysteryShop", "Delivery"])
async def test_a_global_id_that_holds_no_database_id_is_refused(session: AsyncSession, type_name: str,
                                                                 node_id: str) -> None:
    global_id = base64.b64encode(f"{type_name}:{node_id}".encode()).decode()
    result = await execute(session, await _staff(session), "query($id: ID!) { node(id: $id) { id } }", id=global_id)
    assert "not a valid id" in _callers_fault(result.errors)


async def test_an_id_argument_that_holds_a_huge_number_is_refused(session: AsyncSession) -> None:
    global_id = base64.b64encode(b"Client:" + b"9" * 25).decode()
    result = await execute(session, await _staff(session),
                           "query($id: ID!) { cxSummary(clientId: $id) { responseRate } }", id=global_id)
    assert "must be the id of a Client" in _callers_fault(result.errors)


@pytest.mark.parametrize("subject", ["²", "1" * 25, "0"])
def test_a_signed_token_whose_subject_is_no_user_id_is_refused_with_401(app_settings: Settings, subject: str) -> None:
    token = sign_token(settings=app_settings, token_type=ACCESS_TOKEN, subject=subject, ttl_seconds=300)
    with TestClient(create_app(app_settings)) as http:
        response = http.post("/graphql", json={"query": "{ clients(first: 1) { totalCount } }"},
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "INTERNAL" not in response.text


@pytest.mark.parametrize("name", ["variable", "literal"])
async def test_text_holding_a_nul_character_is_refused_and_nothing_is_written(session: AsyncSession, name: str) -> None:
    staff = await _staff(session)
    if name == "variable":
        result = await execute(session, staff, 'mutation($name: String!) { createClient(input: {slug: "nul", '
                               'name: $name}) { client { slug } } }', name="Harbor\x00Authority")
    else:
        result = await execute(session, staff, 'mutation { createClient(input: {slug: "nul", '
                               'name: "Harbor\\u0000Authority"}) { client { slug } } }')
    assert "NUL character (U+0000)" in _callers_fault(result.errors)
    assert await session.scalar(select(Organization.id).where(Organization.slug == "nul")) is None
