"""Request bodies over real HTTP: a size cap before anything is parsed, and a typed 400 for a body of the wrong shape."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from api.auth.models import Role
from api.kit.database import create_engine, create_session_factory
from api.organizations.models import OrganizationKind
from api.settings import Settings
from tests.fixtures.auth import token_for
from tests.fixtures.browser import serving_app
from tests.fixtures.factories import make_organization, make_user

COUNT_CLIENTS = b'{"query": "{ clients(first: 5) { totalCount } }"}'


async def _staff_id(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            pmo = await make_organization(session, kind=OrganizationKind.PMO, slug="pmo")
            user = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
            await session.commit()
            return user.id
    finally:
        await engine.dispose()


@pytest.fixture
def http(app_settings: Settings) -> Iterator[httpx.Client]:
    """A client of the app under uvicorn, signed in as PMO staff, with a 64 KiB body limit."""
    settings = app_settings.model_copy(update={"max_body_bytes": 65_536})
    headers = {"Authorization": f"Bearer {token_for(settings, asyncio.run(_staff_id(settings.resolved_database_url)))}",
               "Content-Type": "application/json"}
    with serving_app(create_app(settings)) as base_url, httpx.Client(base_url=base_url, headers=headers) as client:
        yield client


def _refused_as_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    assert response.json() == {"errors": [{"message": "The request body is larger than the 65536 bytes accepted.",
                                           "extensions": {"code": "PAYLOAD_TOO_LARGE", "maximumBytes": 65536}}]}
    assert response.headers["x-request-id"]


def test_a_declared_oversized_body_is_refused_with_413(http: httpx.Client) -> None:
    _refused_as_too_large(http.post("/graphql", content=b"[" + b"1," * 40_000 + b"1]"))
    assert http.post("/graphql", content=COUNT_CLIENTS).json()["data"] == {"clients": {"totalCount": 0}}


def test_an_oversized_body_without_a_length_is_cut_off_at_the_limit(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(100):
            yield b"1," * 1000
        yield b"1]"

    _refused_as_too_large(http.post("/graphql", content=chunks()))


def test_a_small_body_without_a_length_is_served(http: httpx.Client) -> None:
    response = http.post("/graphql", content=iter([COUNT_CLIENTS[:10], COUNT_CLIENTS[10:]]))
    assert response.status_code == 200 and response.json()["data"] == {"clients": {"totalCount": 0}}


def test_an_unauthenticated_oversized_body_is_refused_before_sign_in(http: httpx.Client) -> None:
    _refused_as_too_large(http.post("/graphql", content=b" " * 70_000, headers={"Authorization": ""}))


@pytest.mark.parametrize(("body", "message"), [
    (b"null", "must be a GraphQL operation"),
    (b"[1]", "must be a GraphQL operation"),
    (b'"x"', "must be a GraphQL operation"),
    (b"[]", "must be a GraphQL operation"),
    (b'{"query": 1}', "must carry its GraphQL document as the string `query`"),
    (b'{"variables": {}}', "must carry its GraphQL document"),
    (b'{"query": "{ __typename }", "variables": []}', "`variables` must be an object or null"),
    (b'{"query": "{ __typename }", "operationName": 3}', "`operationName` must be a string or null"),
    (b"\xff\xfe{}", "not valid UTF-8"),
    (b"{nope", "not valid JSON"),
    (b"[" * 5000 + b"]" * 5000, "nests deeper than 64 levels"),
    (b'{"query": "{ __typename }", "variables": ' + b'{"a":' * 100 + b"1" + b"}" * 100 + b"}", "nests deeper"),
])
def test_a_body_of_the_wrong_shape_is_the_callers_typed_error(http: httpx.Client, body: bytes, message: str) -> None:
    for headers in ({}, {"Authorization": ""}):
        response = http.post("/graphql", content=body, headers=headers)
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert message in error["message"]
        assert error["extensions"] == {"code": "INVALID", "classification": "BAD_USER_INPUT"}


def test_deeply_nested_get_variables_are_refused(http: httpx.Client) -> None:
    response = http.get("/graphql", params={"query": "{ __typename }", "variables": "[" * 3000 + "]" * 3000})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID"
