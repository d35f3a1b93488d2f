"""Authentication and request ids for the GraphQL endpoint, over HTTP and WebSocket."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter

from api.auth import api_tokens
from api.auth import service as auth_service
from api.auth.principal import Principal
from api.context import Context, SocketContext
from api.kit.database import reading
from api.kit.errors import Unauthenticated
from api.settings import Settings

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
NOBODY = Principal(grants=())


def request_id_of(connection: HTTPConnection) -> str:
    """The caller's X-Request-ID when it is well-formed, else a fresh one."""
    given = connection.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def bearer_token(authorization: str) -> str:
    """The token of an `Authorization: Bearer <token>` value, or Unauthenticated."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthenticated("authentication required: send Authorization: Bearer <token>")
    return credentials.strip()


def _refuse(error: Unauthenticated) -> HTTPException:
    return HTTPException(
        status_code=401,
        detail={"errors": [{"message": error.message, "extensions": {"code": error.code}}]},
        headers={"WWW-Authenticate": 'Bearer realm="rapport"'},
    )


async def sign_in(session: AsyncSession, *, settings: Settings, authorization: str) -> Principal:
    """The caller's principal, read in a transaction of its own that takes no write lock; then, in a short one that
    may write, an API token's last use. The operation that follows begins its own transaction."""
    try:
        with reading():
            principal = await auth_service.authenticate(session, settings=settings, bearer=bearer_token(authorization))
    finally:
        await session.rollback()
    if principal.api_token_id is not None:
        await api_tokens.note_api_token_use(session)
        await session.commit()
    return principal


async def graphql_context(connection: HTTPConnection) -> AsyncIterator[Context | SocketContext | None]:
    """The GraphQL context of one request; 401 without a valid bearer token.

    A WebSocket gets a SocketContext: it starts as nobody and authenticates with its connection_init payload
    (see GraphQLEndpoint); each operation on it then opens its own session.
    """
    state = connection.app.state
    if connection.scope["type"] == "websocket":
        yield SocketContext(session_factory=state.session_factory, principal=NOBODY, settings=state.settings,
                            request_id=request_id_of(connection), live=getattr(state, "live", None))
        return
    if connection.scope.get("method") == "GET" and not connection.query_params.get("query"):
        yield None  # the GraphiQL page: no operation runs
        return
    async with state.session_factory() as session:
        try:
            principal = await sign_in(session, settings=state.settings,
                                      authorization=connection.headers.get("authorization", ""))
        except Unauthenticated as error:
            raise _refuse(error) from error
        yield Context(session=session, principal=principal, settings=state.settings,
                      request_id=connection.state.request_id)


class GraphQLEndpoint(GraphQLRouter):
    """Strawberry's router, with WebSocket connections authenticated at connection_init and answers encoded by
    orjson."""

    def encode_json(self, data: object) -> str:
        # Text, not bytes: Strawberry sends bytes over a WebSocket as binary frames, which graphql-ws clients refuse.
        return orjson.dumps(data).decode()

    async def on_ws_connect(self, context: SocketContext) -> dict[str, Any] | None:  # type: ignore[override]
        params = context.connection_params or {}
        authorization = str(params.get("Authorization") or params.get("authorization") or "")
        async with context.session_factory() as session:
            try:
                context.principal = await sign_in(session, settings=context.settings, authorization=authorization)
            except Unauthenticated as error:
                raise ConnectionRejectionError({"message": error.message}) from error
        context.authorization = authorization
        return None


async def check_again(session: AsyncSession, *, settings: Settings, authorization: str) -> Principal:
    """The principal of a socket's token now, in a read of its own; Unauthenticated once it has expired or was
    revoked, or its user deactivated."""
    try:
        with reading():
            return await auth_service.authenticate(session, settings=settings, bearer=bearer_token(authorization))
    finally:
        await session.rollback()
