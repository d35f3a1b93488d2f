"""HTTP-side authentication and request ids for the GraphQL endpoint."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

from fastapi import HTTPException, Request

from api.auth import service as auth_service
from api.context import Context
from api.kit.errors import Unauthenticated

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_of(request: Request) -> str:
    """The caller's X-Request-ID when it is well-formed, else a fresh one."""
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _bearer(request: Request) -> str:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthenticated("authentication required: send Authorization: Bearer <token>")
    return credentials.strip()


def _refuse(error: Unauthenticated) -> HTTPException:
    return HTTPException(
        status_code=401,
        detail={"errors": [{"message": error.message, "extensions": {"code": error.code}}]},
        headers={"WWW-Authenticate": 'Bearer realm="rapport"'},
    )


async def graphql_context(request: Request) -> AsyncIterator[Context | None]:
    """The GraphQL context of one HTTP request; 401 without a valid bearer token."""
    if request.method == "GET" and not request.query_params.get("query"):
        yield None  # the GraphiQL page: no operation runs
        return
    app_state = request.app.state
    async with app_state.session_factory() as session:
        try:
            principal = await auth_service.authenticate(session, settings=app_state.settings, bearer=_bearer(request))
        except Unauthenticated as error:
            raise _refuse(error) from error
        yield Context(
            session=session,
            principal=principal,
            settings=app_state.settings,
            request_id=request.state.request_id,
        )
