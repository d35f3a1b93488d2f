"""Fuzzing over ASGI against the demo data set, as PMO staff.

schemathesis generates every query and mutation from the schema; hypothesis generates the malformed requests no
schema describes (bodies of the wrong shape, ids that hold no number, variables of the wrong type). No request may
make the server fail: no 5xx, and no masked INTERNAL error, since every one of them is the caller's fault.
"""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.auth.service import get_user_by_email
from api.database import upgrade_database
from api.demo.seed import DEMO_STAFF_EMAIL, seed_demo
from api.kit.database import create_engine, create_session_factory
from tests.fixtures.auth import settings_for, token_for

EXAMPLES_PER_OPERATION = 12
INTERNAL = "INTERNAL"


@schemathesis.check
def no_internal_error(_ctx: Any, response: Any, _case: schemathesis.Case) -> bool | None:
    """Generated input is the caller's to get wrong: it is refused with a typed error, never a masked one."""
    try:
        body = response.json()
    except ValueError:
        return None
    results = body if isinstance(body, list) else [body]
    codes = [(error.get("extensions") or {}).get("code") for result in results if isinstance(result, dict)
             for error in result.get("errors") or ()]
    assert INTERNAL not in codes, f"a generated request got a masked internal error: {body}"
    return None


async def _demo_staff(url: str) -> int:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        await seed_demo(session, today=date(2026, 11, 22))
        await session.commit()
        user_id = (await get_user_by_email(session, email=DEMO_STAFF_EMAIL)).id
    await engine.dispose()
    return user_id


def _demo_app(url: str, folder: Path) -> tuple[Any, dict[str, str]]:
    upgrade_database(url)
    app_settings = settings_for(url, folder, rate_limit_points_per_minute=10**9)
    headers = {"Authorization": f"Bearer {token_for(app_settings, asyncio.run(_demo_staff(url)))}"}
    return create_app(app_settings), headers


def test_generated_operations_never_make_the_server_fail(fresh_database_url: str, tmp_path: Path) -> None:
    app, headers = _demo_app(fresh_database_url, tmp_path)
    schema = schemathesis.graphql.from_asgi("/graphql", app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def never_fails(case: schemathesis.Case) -> None:
            # Refusing bad input with a clear error is right; only a server error (5xx, or an error that reached a
            # resolver's path unexpectedly) is a failure.
            case.call_and_validate(headers=headers, checks=[not_a_server_error, no_internal_error])

        never_fails()


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
TYPE_NAMES = st.sampled_from(["Project", "Client", "Risk", "Milestone", "StatusReport", "SiteBuild", "Feedback",
                              "ApiToken", "ActionItem", "MysteryShop", "SurveyInvitation", "User", ""])
NODE_IDS = st.text(max_size=30) | st.integers().map(str) | st.sampled_from(["²", "1" * 25, "٣", "0", "-1"])
GLOBAL_IDS = st.tuples(TYPE_NAMES, NODE_IDS).map(lambda pair: base64.b64encode(":".join(pair).encode()).decode())
OPERATIONS = [
    "query($id: ID!) { node(id: $id) { id } }",
    "query($id: ID!) { project(id: $id) { name } }",
    "query($id: ID) { cxSummary(clientId: $id) { responseRate } }",
    "query($first: Int) { projects(first: $first) { totalCount } }",
    "query($from: Date, $to: Date) { cxSummary(from: $from, to: $to) { responseRate } }",
]
VARIABLES = st.fixed_dictionaries({}, optional={"id": GLOBAL_IDS | JSON, "first": JSON, "from": st.dates().map(str) | JSON,
                                                "to": st.dates().map(str) | JSON})
OPERATION = st.fixed_dictionaries({"query": st.sampled_from(OPERATIONS), "variables": VARIABLES | JSON})
BODIES = (
    OPERATION.map(lambda operation: json.dumps(operation).encode())
    | st.lists(OPERATION, max_size=3).map(lambda batch: json.dumps(batch).encode())
    | JSON.map(lambda value: json.dumps(value).encode())
    | st.integers(1, 3000).map(lambda depth: b"[" * depth + b"]" * depth)
    | st.binary(max_size=40)
)


def _internal_codes(body: object) -> list[object]:
    results = body if isinstance(body, list) else [body]
    return [(error.get("extensions") or {}).get("code") for result in results if isinstance(result, dict)
            for error in result.get("errors") or () if isinstance(error, dict)]


def test_malformed_requests_are_refused_as_the_callers_fault(fresh_database_url: str, tmp_path: Path) -> None:
    app, headers = _demo_app(fresh_database_url, tmp_path)
    with TestClient(app) as http:

        @given(body=BODIES, signed_in=st.booleans())
        @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def refused_cleanly(body: bytes, signed_in: bool) -> None:
            response = http.post("/graphql", content=body,
                                 headers={"Content-Type": "application/json", **(headers if signed_in else {})})
            assert response.status_code < 500, response.text
            assert response.headers["content-type"] == "application/json", (response.status_code, response.text)
            assert INTERNAL not in _internal_codes(response.json()), response.text

        refused_cleanly()
