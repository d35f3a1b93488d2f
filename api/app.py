"""The FastAPI application: GraphQL, health checks and the local site preview."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.activity.live import live_activity
from api.changes.tracking import install_change_tracking
from api.cx.surveys.pages import survey_router
from api.delivery.unsubscribe import unsubscribe_router
from api.http import GraphQLEndpoint, graphql_context, request_id_of
from api.kit.database import create_engine, create_session_factory
from api.limits.batching import SequentialBatches, batch_guard
from api.limits.bodies import BodyLimit
from api.schema import get_schema
from api.settings import Settings, get_settings
from api.sites.headers import SITE_HEADERS
from api.update_requests.pages import update_router


class GraphQLRoutes(SequentialBatches, GraphQLEndpoint):
    """The /graphql routes, with batched operations run in order."""


def local_sites_dir(settings: Settings) -> Path | None:
    """The folder the sites are published to, when the publish target is a local one."""
    target = urlparse(settings.resolved_publish_target)
    return Path(url2pathname(target.path)) if target.scheme == "file" else None


BackgroundJob = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]


def create_app(settings: Settings | None = None, *, background: Sequence[BackgroundJob] = ()) -> FastAPI:
    """The API application for `settings`; the database is opened, and `background` jobs run, in the lifespan."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.resolved_database_url)
        app.state.engine = engine
        install_change_tracking()
        app.state.session_factory = create_session_factory(engine)
        # Startup built the schema, mappers and caches that live as long as the process; moving them out of
        # the collector's sight keeps each request's garbage collections short.
        gc.freeze()
        try:
            async with live_activity(settings) as app.state.live:
                tasks = [asyncio.create_task(job(app.state.session_factory)) for job in background]
                try:
                    yield
                finally:
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await engine.dispose()

    app = FastAPI(title="Rapport", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    graphql = GraphQLRoutes(
        get_schema(settings),
        context_getter=graphql_context,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        max_subscriptions_per_connection=settings.ws_max_subscriptions,
        multipart_uploads_enabled=False,
        dependencies=[Depends(batch_guard(settings.graphql_max_batch_operations))],
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(survey_router(settings))
    app.include_router(unsubscribe_router(settings))
    app.include_router(update_router(settings))

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

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
