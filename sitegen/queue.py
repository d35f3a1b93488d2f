"""Scale-out workers: queued SiteBuild rows, and reactions to committed events, carried out as procrastinate jobs.

The SiteBuild rows stay the record people see; a job only says "carry out build N". Every worker process feeds
the queue: it defers a job for each queued row that has none waiting (the job's `lock` and `queueing_lock` name
the client, so each client has at most one build waiting and one running, across every worker and machine), and
it puts back the builds whose worker procrastinate saw stop (its heartbeat went silent). A job does nothing
unless its row is still queued and due, so a job deferred twice, or one that outlived its row, costs nothing,
and a row whose job was never deferred is picked up at the next feed. Reactions go the same way: the feed
dispatches new outbox events and defers a job per due reaction (its queueing lock names the reaction), and the
reaction's row says whether there is still anything to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException
from procrastinate.jobs import Job, Status
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.flows.runner import dispatch_and_list_due, run_reaction
from api.kit.columns import utcnow
from api.kit.tasks import stopping
from api.settings import Settings
from api.sites import build_queue
from api.sites.models import SiteBuild
from sitegen.pipeline import BuildOutcome
from sitegen.queue_schema import prepare_queue_schema, queue_conninfo
from sitegen.worker import carry_out_build

logger = logging.getLogger("rapport.sitegen")

BUILD_TASK = "rapport.build_site"
REACTION_TASK = "rapport.run_reaction"
SCHEDULE_TASK = "rapport.queue_scheduled_builds"
SCHEDULE_CRON = "* * * * *"  # site schedules are cron expressions: a minute is their finest step
FEED_SECONDS = 1.0
PUT_BACK_RETRY_SECONDS = 5.0
RUNTIME = "rapport"

BuildDone = Callable[[SiteBuild, BuildOutcome], None]


@dataclass(frozen=True)
class QueueRuntime:
    """What the jobs of one worker process share."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    on_done: BuildDone | None = None


def client_lock(client_id: int) -> str:
    """The lock and queueing lock of a client's build jobs."""
    return f"site-build:client:{client_id}"


def queue_app(settings: Settings, *, concurrency: int = 1) -> App:
    """A procrastinate app on the configured PostgreSQL database that knows the build and schedule tasks."""
    connector = PsycopgConnector(conninfo=queue_conninfo(settings.resolved_database_url),
                                 min_size=1, max_size=concurrency + 4)
    app = App(connector=connector)
    app.task(name=BUILD_TASK, pass_context=True)(run_build_job)
    app.task(name=REACTION_TASK, pass_context=True)(react)
    schedule = app.task(name=SCHEDULE_TASK, pass_context=True, queueing_lock=SCHEDULE_TASK)(queue_due_builds)
    # procrastinate defers a periodic job once per tick across every worker: the schedule runs once, not per worker.
    app.periodic(cron=SCHEDULE_CRON, periodic_id="site-schedules")(schedule)
    return app


async def run_build_job(context: JobContext, build_id: int) -> str:
    """Carry out one queued build; nothing when it is no longer queued or not yet due."""
    runtime: QueueRuntime = context.additional_context[RUNTIME]
    async with runtime.session_factory() as session:
        build = await build_queue.claim_build(session, build_id=build_id, lease=runtime.settings.build_lease)
        if build is None:
            await session.rollback()
            return "not waiting"
        owner = build.lease_owner
        try:
            outcome = await carry_out_build(session, build, settings=runtime.settings)
        except (Exception, asyncio.CancelledError):
            # The attempt broke off outside the build's own failure handling (the database went away, or the
            # job was aborted): the row must not stay RUNNING once this job has ended.
            logger.exception("site build %s broke off; it goes back in the queue", build_id)
            with contextlib.suppress(Exception):
                await session.rollback()  # let go of any row this attempt still holds
            await _put_back(runtime, build_id=build_id, owner=owner)
            raise
    if runtime.on_done is not None:
        runtime.on_done(build, outcome)
    return outcome.state.value


async def react(context: JobContext, reaction_id: int) -> str:
    """Carry out one reaction to a committed event; nothing when it is done already or not yet due."""
    runtime: QueueRuntime = context.additional_context[RUNTIME]
    state = await run_reaction(runtime.session_factory, settings=runtime.settings, reaction_id=reaction_id)
    return state.value if state is not None else "not waiting"


async def defer_due_reactions(app: App, runtime: QueueRuntime) -> int:
    """Dispatch new outbox events, then defer a job for each due reaction that has none; returns how many."""
    deferred = 0
    for reaction_id in await dispatch_and_list_due(runtime.session_factory):
        try:
            await app.configure_task(REACTION_TASK, queueing_lock=f"reaction:{reaction_id}").defer_async(
                reaction_id=reaction_id)
        except AlreadyEnqueued:
            continue  # waiting already, deferred by an earlier feed or another worker's
        deferred += 1
    return deferred


async def queue_due_builds(context: JobContext, timestamp: int) -> int:
    """Queue the builds whose site schedule has come due."""
    runtime: QueueRuntime = context.additional_context[RUNTIME]
    async with runtime.session_factory() as session:
        queued = await build_queue.queue_scheduled_builds(session, now=utcnow())
        await session.commit()
    return len(queued)


async def _put_back(runtime: QueueRuntime, *, build_id: int, owner: str | None) -> None:
    """Queue a broken-off build again if this attempt still holds it, retrying until the database answers."""
    while True:
        try:
            async with runtime.session_factory() as session:
                build = await build_queue.lock_running_build(session, build_id=build_id, owner=owner)
                if build is not None:
                    build_queue.requeue_interrupted(build)
                await session.commit()
            return
        except Exception:  # keep trying: giving up would leave the build RUNNING with no job
            logger.exception("could not put site build %s back in the queue; trying again", build_id)
            await asyncio.sleep(PUT_BACK_RETRY_SECONDS)


async def feed_queue(app: App, runtime: QueueRuntime) -> None:
    """Put back the builds of stopped workers, then defer a job for every due reaction and queued build that has
    none.

    Stopped workers are those procrastinate saw go silent, and any process (a CLI batch, too) whose build lease
    ran out.
    """
    await recover_stalled_builds(app, runtime)
    async with runtime.session_factory() as session:
        await build_queue.reclaim_abandoned_builds(session, now=utcnow())
        await session.commit()
    await defer_due_reactions(app, runtime)
    await defer_queued_builds(app, runtime)


async def recover_stalled_builds(app: App, runtime: QueueRuntime) -> int:
    """Queue again the builds whose worker stopped (no heartbeat), and close their jobs; returns how many."""
    stalled = await app.job_manager.get_stalled_jobs(
        task_name=BUILD_TASK, seconds_since_heartbeat=runtime.settings.worker_stalled_seconds)
    recovered = 0
    for job in stalled:
        async with runtime.session_factory() as session:
            # The build row stays locked while the job is checked: a job claiming the row waits for this
            # decision, and so does another worker's feed, which then finds the row queued already.
            build = await build_queue.lock_running_build(session, build_id=job.task_kwargs["build_id"])
            if build is not None and await _still_running(app, job):
                build_queue.requeue_interrupted(build)
                logger.warning("site build %s was running on a worker that stopped; it goes back in the queue",
                               build.id)
                recovered += 1
            await session.commit()
        try:
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        except ConnectorException:
            logger.debug("stalled job %s was closed by another worker", job.id)
    return recovered


async def _still_running(app: App, job: Job) -> bool:
    assert job.id is not None
    (current,) = await app.job_manager.list_jobs_async(id=job.id) or (None,)
    return current is not None and current.status == Status.DOING.value


async def defer_queued_builds(app: App, runtime: QueueRuntime) -> int:
    """Defer a job for each queued build whose client has no job waiting; returns how many were deferred."""
    async with runtime.session_factory() as session:
        queued = await build_queue.queued_builds(session)
    waiting = {job.queueing_lock: job for job in await app.job_manager.list_jobs_async(
        task=BUILD_TASK, status=Status.TODO.value)}
    now, deferred = utcnow(), 0
    for build in queued:
        lock = client_lock(build.client_id)
        due = build.retry_at if build.retry_at is not None and build.retry_at > now else None
        job = waiting.get(lock)
        if job is not None:
            if job.task_kwargs.get("build_id") == build.id and not _waits_longer(job, due):
                continue
            # Replace the job when it names another build or waits longer than this one needs. Another build:
            # a feed that read the queue just before that build started deferred a job for it, which would do
            # nothing when its turn came and, until then, keep this build from having a job. Sooner: a new
            # request joined a build waiting to retry.
            assert job.id is not None
            if not await app.job_manager.cancel_job_by_id_async(job.id):
                continue  # it started meanwhile
        try:
            waiting[lock] = await app.configure_task(
                BUILD_TASK, lock=lock, queueing_lock=lock, schedule_at=due).defer_async(build_id=build.id)
        except AlreadyEnqueued:
            continue  # another worker's feed got there first
        deferred += 1
    return deferred


def _waits_longer(job: Job, due: datetime | None) -> bool:
    return job.scheduled_at is not None and (due is None or due < job.scheduled_at)


async def run_queue_worker(session_factory: async_sessionmaker[AsyncSession], *, settings: Settings,
                           concurrency: int = 1, on_done: BuildDone | None = None,
                           on_ready: Callable[[str], None] | None = None) -> None:
    """Carry out queued builds as one of any number of workers, until SIGINT or SIGTERM (running builds finish)."""
    await prepare_queue_schema(settings.resolved_database_url)
    runtime = QueueRuntime(settings=settings, session_factory=session_factory, on_done=on_done)
    name = f"{socket.gethostname()}:{os.getpid()}"
    async with queue_app(settings, concurrency=concurrency).open_async() as app:
        feeder = asyncio.create_task(_feed_forever(app, runtime))
        if on_ready is not None:
            on_ready(name)
        try:
            await app.run_worker_async(
                name=name,
                concurrency=concurrency,
                additional_context={RUNTIME: runtime},
                update_heartbeat_interval=settings.worker_stalled_seconds / 3,
                stalled_worker_timeout=settings.worker_stalled_seconds,
                delete_jobs="successful",  # the SiteBuild rows are the record; failed jobs stay for inspection
            )
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)


async def _feed_forever(app: App, runtime: QueueRuntime) -> None:
    while True:
        try:
            await feed_queue(app, runtime)
        except Exception:  # a failed feed is logged and tried again at the next one
            if stopping():
                raise asyncio.CancelledError from None
            logger.exception("feeding the site build queue failed")
        await asyncio.sleep(FEED_SECONDS)
