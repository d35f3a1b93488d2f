"""Request bodies: a size cap before anything reads them, and the shape of a GraphQL body before it is parsed."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
MAX_JSON_NESTING = 64
CALLERS_FAULT = {"code": "INVALID", "classification": "BAD_USER_INPUT"}


class BodyLimit:
    """ASGI middleware: a request whose body exceeds `max_bytes` gets 413 and never reaches the application.

    A declared Content-Length is checked at once; a body sent without one is read up to the limit, then
    handed on whole.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        body, complete = bytearray(), False
        while not complete:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            complete = not message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"The request body is larger than the {self.max_bytes} bytes accepted."
        response = JSONResponse({"errors": [{"message": message, "extensions": {
            "code": PAYLOAD_TOO_LARGE, "maximumBytes": self.max_bytes}}]}, status_code=413,
            headers={"Connection": "close"})
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _refuse(message: str) -> HTTPException:
    return HTTPException(status_code=400, detail={"errors": [{"message": message, "extensions": CALLERS_FAULT}]})


def _nested_deeper_than(value: Any, limit: int) -> bool:
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _json(text: str | bytes, what: str) -> Any:
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        value = json.loads(text)
    except UnicodeDecodeError as error:
        raise _refuse(f"The {what} is not valid UTF-8.") from error
    except RecursionError as error:
        raise _refuse(f"The {what} nests deeper than {MAX_JSON_NESTING} levels.") from error
    except ValueError as error:
        raise _refuse(f"The {what} is not valid JSON.") from error
    if _nested_deeper_than(value, MAX_JSON_NESTING):
        raise _refuse(f"The {what} nests deeper than {MAX_JSON_NESTING} levels.")
    return value


async def graphql_body(connection: HTTPConnection) -> Any:
    """The JSON of a GraphQL request (None for one that carries none); 400 for a body no operation can be read from.

    A POST body must be an operation (an object) or a batch of them; GET variables and extensions must be JSON.
    """
    if not isinstance(connection, Request):
        return None
    if connection.method == "GET":
        for name in ("variables", "extensions"):
            if name in connection.query_params:
                _json(connection.query_params[name], f"`{name}` parameter")
        return None
    if connection.method != "POST" or "json" not in connection.headers.get("content-type", ""):
        return None
    body = _json(await connection.body(), "request body")
    operations = body if isinstance(body, list) else [body]
    if not operations or not all(isinstance(operation, dict) for operation in operations):
        raise _refuse("The request body must be a GraphQL operation (a JSON object) or a list of them.")
    for operation in operations:
        _check_operation(operation)
    return body


OPERATION_MEMBERS = {"query": str, "operationName": str, "variables": dict, "extensions": dict}
JSON_TYPE_NAMES = {str: "a string", dict: "an object"}


def _check_operation(operation: dict[str, Any]) -> None:
    if not isinstance(operation.get("query"), str):
        raise _refuse("Each operation must carry its GraphQL document as the string `query`.")
    for member, kind in OPERATION_MEMBERS.items():
        value = operation.get(member)
        if value is not None and not isinstance(value, kind):
            raise _refuse(f"`{member}` must be {JSON_TYPE_NAMES[kind]} or null.")
