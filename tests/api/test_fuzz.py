"""schemathesis generates every query and mutation from the schema and sends them in-process over ASGI, with a
valid PMO staff token, against the demo data set: no generated request may make the server fail."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.auth.service import get_user_by_email
from api.database import upgrade_database
from api.demo.seed import DEMO_STAFF_EMAIL, seed_demo
from api.kit.database import create_engine, create_session_factory
from tests.fixtures.auth import settings_for, token_for

EXAMPLES_PER_OPERATION = 12


async def _demo_staff(url: str) -> int:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        await seed_demo(session, today=date(2026, 11, 22))
        await session.commit()
        user_id = (await get_user_by_email(session, email=DEMO_STAFF_EMAIL)).id
    await engine.dispose()
    return user_id


def test_generated_operations_never_make_the_server_fail(fresh_database_url: str, tmp_path: Path) -> None:
    upgrade_database(fresh_database_url)
    app_settings = settings_for(fresh_database_url, tmp_path, rate_limit_points_per_minute=10**9)
    headers = {"Authorization": f"Bearer {token_for(app_settings, asyncio.run(_demo_staff(fresh_database_url)))}"}
    schema = schemathesis.graphql.from_asgi("/graphql", create_app(app_settings), headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def never_fails(case: schemathesis.Case) -> None:
            # Refusing bad input with a clear error is right; only a server error (5xx, or an error that reached a
            # resolver's path unexpectedly) is a failure.
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        never_fails()
