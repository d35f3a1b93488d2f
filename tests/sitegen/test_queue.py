"""The procrastinate feed on PostgreSQL: the job waiting for a client always names the build that waits."""

from __future__ import annotations

from pathlib import Path

import pytest
from procrastinate.jobs import Status

from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.sites import build_queue
from api.sites.models import BuildTrigger
from sitegen.queue import BUILD_TASK, QueueRuntime, defer_queued_builds, queue_app
from sitegen.queue_schema import prepare_queue_schema
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client


@pytest.fixture
def database_url(fresh_postgres_database_url: str) -> str:
    upgrade_database(fresh_postgres_database_url)
    return fresh_postgres_database_url


@pytest.mark.postgres
async def test_a_job_left_waiting_for_a_build_that_started_makes_way_for_the_clients_next_build(
    database_url: str, tmp_path: Path,
) -> None:
    # Two workers' feeds race: one read the queue while build A was queued, the other's job then started A, and
    # the first deferred a second job for A. That job waits (the client's lock) and names a build that is running.
    settings = settings_for(database_url, tmp_path, build_queue="procrastinate")
    await prepare_queue_schema(settings.resolved_database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    runtime = QueueRuntime(settings=settings, session_factory=sessions)
    try:
        async with sessions() as session:
            client = await make_client(session, slug="harbor")
            first = await build_queue.queue_build(session, client_id=client.id, trigger=BuildTrigger.MANUAL)
            await session.commit()
        async with queue_app(settings).open_async() as app:
            assert await defer_queued_builds(app, runtime) == 1
            async with sessions() as session:  # build A starts; the job naming it still waits
                assert await build_queue.claim_build(session, build_id=first.id) is not None
                second = await build_queue.queue_build(session, client_id=client.id, trigger=BuildTrigger.MANUAL)
                await session.commit()

            assert await defer_queued_builds(app, runtime) == 1
            waiting = await app.job_manager.list_jobs_async(task=BUILD_TASK, status=Status.TODO.value)
            assert [job.task_kwargs["build_id"] for job in waiting] == [second.id]
            assert await defer_queued_builds(app, runtime) == 0  # and it stays the only one
    finally:
        await engine.dispose()
