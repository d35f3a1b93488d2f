"""The error policy: input faults are typed and labelled as the caller's; anything else is masked with a request id."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.auth.principal import Grant, Principal
from api.organizations.models import OrganizationKind
from api.projects import service as project_service
from tests.fixtures.factories import make_organization
from tests.fixtures.graphql import execute


async def _staff(session: AsyncSession) -> Principal:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    return Principal(grants=(Grant(organization_id=pmo.id, role=Role.PMO_STAFF),))


@pytest.mark.parametrize("bad_id", ["Rapport", "UHJvamVjdA==", "not base64 at all!"])
async def test_a_malformed_id_is_the_callers_input_error_not_an_internal_one(session: AsyncSession, bad_id: str) -> None:
    result = await execute(session, await _staff(session), "query($id: ID!) { project(id: $id) { name } }", id=bad_id)
    assert result.errors is not None
    [error] = result.errors
    assert error.extensions["code"] == "INVALID" and error.extensions["classification"] == "BAD_USER_INPUT"
    assert "not a valid id" in error.message


async def test_a_domain_error_keeps_its_message_and_is_labelled_as_the_callers(session: AsyncSession) -> None:
    result = await execute(session, await _staff(session), "{ projects(first: 5, after: \"AAAA\") { totalCount } }")
    [error] = result.errors
    assert "not a cursor" in error.message
    assert error.extensions["classification"] == "BAD_USER_INPUT"


async def test_an_unexpected_failure_is_masked_and_carries_the_request_id(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("connection string postgres://secret@db leaked")

    monkeypatch.setattr(project_service, "list_projects", broken)
    result = await execute(session, await _staff(session), "{ projects(first: 5) { totalCount } }")
    [error] = result.errors
    assert error.message == "Internal server error (request test-request)"
    assert error.extensions == {"code": "INTERNAL", "requestId": "test-request"}
    assert "secret" not in str(result.errors)
