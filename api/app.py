"""The FastAPI application: GraphQL, health checks and the local site preview."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.http import graphql_context, request_id_of
from api.kit.database import create_engine, create_session_factory
from api.schema import create_schema
from api.settings import Settings, get_settings

SITE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


def local_sites_dir(settings: Settings) -> Path | None:
    """The folder the sites are published to, when the publish target is a local one."""
    target = urlparse(settings.resolved_publish_target)
    return Path(url2pathname(target.path)) if target.scheme == "file" else None


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API application for `settings`; the database is opened in the lifespan."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.resolved_database_url)
        app.state.engine = engine
        app.state.session_factory = create_session_factory(engine)
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(title="Rapport", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    graphql = GraphQLRouter(
        create_schema(settings),
        context_getter=graphql_context,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        multipart_uploads_enabled=False,
    )
    app.include_router(graphql, prefix="/graphql")

    @app.middleware("http")
    async def tag_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.request_id = request_id_of(request)
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        if request.url.path.startswith("/sites/"):
            response.headers.update(SITE_HEADERS)
        return response

    @app.exception_handler(HTTPException)
    async def render_http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        body = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        try:
            async with request.app.state.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means not ready
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ready", "database": "ok"})

    sites_dir = local_sites_dir(settings)
    if sites_dir is not None:
        app.mount("/sites", StaticFiles(directory=sites_dir, html=True, check_dir=False), name="sites")
    return app
