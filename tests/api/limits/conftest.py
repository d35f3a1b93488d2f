"""Fixtures for the limit tests: a small tenancy and a counter of SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Grant, Principal
from api.organizations.models import OrganizationKind
from tests.fixtures.factories import make_client, make_organization, make_project, make_user

ROW_STATEMENTS = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}


@pytest.fixture
async def staff(session: AsyncSession) -> Principal:
    """A signed-in PMO staff member (a user id, so the rate limit applies), with two clients of two projects."""
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
    for _ in range(2):
        client = await make_client(session)
        for _ in range(2):
            await make_project(session, client=client)
    return Principal(grants=(Grant(organization_id=pmo.id, role=Role.PMO_STAFF),), user_id=user.id)


@pytest.fixture
def statements(session: AsyncSession) -> Iterator[list[str]]:
    """Every SQL statement that reads or writes rows on the test's connection from now on.

    Transaction control (savepoints, commits) is left out: the unit of work ends every operation, refused or not.
    """
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split(maxsplit=1)[0].upper() in ROW_STATEMENTS:
            seen.append(statement)

    engine = session.bind.sync_engine  # type: ignore[union-attr]
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
