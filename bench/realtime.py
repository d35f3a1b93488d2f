"""Live activity across servers: 200 subscribers on one server, a burst of 100 changes made on a second server and
fanned out through Redis, against the same burst with memory fan-out in one process.

    python -m bench.realtime --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test
        [--redis redis://127.0.0.1:6379/0] [--subscribers 200] [--events 100]

Each run starts `rapport serve` processes on a fresh PostgreSQL database: with Redis, the subscribers watch one
server and the changes go to another; with memory, both are the same server. Every subscriber watches the
project's activity over graphql-transport-ws; the changes are PMO staff progress updates on one milestone, sent
as fast as the server answers. A delivery's latency runs from the change's HTTP answer to its arrival at one
subscriber; lost counts deliveries that never arrived (waiting 15 s after the last one).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.database import temporary_database
from bench.load import _prepare, serving
from tests.fixtures.websocket import graphql_socket

WATCH = "subscription($id: ID!) { projectActivity(projectId: $id) { summary } }"
CHANGE = "mutation($id: ID!, $percent: Int!) { updateMilestone(input: {id: $id, percentComplete: $percent}) " \
         "{ userErrors { message } } }"
SETTLE_SECONDS = 15


@dataclass
class Run:
    fanout: str
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        ordered = sorted(self.latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
        return (f"{self.fanout:<8} deliveries {len(ordered):>6}  p50 {statistics.median(ordered) * 1000:7.1f} ms  "
                f"p95 {p95 * 1000:7.1f} ms  lost {self.lost}  burst sent in {self.seconds:.2f} s")


async def _subscriber(base: str, token: str, project: str, expected: int, sent: dict[int, float],
                      ready: asyncio.Event, count: list[int], run: Run, total: int) -> None:
    async with graphql_socket(base, token) as socket:
        await socket.subscribe("1", WATCH, id=project)
        count[0] += 1
        if count[0] == total:
            ready.set()
        seen = 0
        while seen < expected:
            try:
                message = await asyncio.wait_for(socket.receive(), SETTLE_SECONDS)
            except TimeoutError:
                break
            arrived = time.perf_counter()
            summary = message["payload"]["data"]["projectActivity"]["summary"]
            percent = int(summary.split(" is ")[1].split("%")[0])
            while percent not in sent:  # the answer to the change may reach the sender after its fan-out
                await asyncio.sleep(0.001)
            run.latencies.append(max(arrived - sent[percent], 0.0))
            seen += 1
        run.lost += expected - seen


async def _burst(watch_base: str, change_base: str, staff: str, project: str, milestone: str, *, subscribers: int,
                 events: int, fanout: str) -> Run:
    run, sent, ready, count = Run(fanout=fanout), {}, asyncio.Event(), [0]
    watchers = [asyncio.create_task(_subscriber(watch_base, staff, project, events, sent, ready, count, run,
                                                subscribers)) for _ in range(subscribers)]
    await asyncio.wait_for(ready.wait(), 120)
    await asyncio.sleep(2)  # every subscription has registered its watch on the server
    async with httpx.AsyncClient(base_url=change_base, timeout=60,
                                 headers={"Authorization": f"Bearer {staff}"}) as http:
        started = time.perf_counter()
        for percent in range(1, events + 1):
            response = await http.post("/graphql", json={"query": CHANGE,
                                                         "variables": {"id": milestone, "percent": percent}})
            assert response.json()["data"]["updateMilestone"]["userErrors"] == [], response.text
            sent[percent] = time.perf_counter()
        run.seconds = time.perf_counter() - started
    await asyncio.gather(*watchers)
    return run


def _one(postgres: str, redis_url: str | None, *, subscribers: int, events: int) -> Run:
    with tempfile.TemporaryDirectory() as folder, temporary_database(postgres, folder) as url:
        ids, _executive, staff = asyncio.run(_prepare(url, folder))
        extra = {"RAPPORT_EVENTS_URL": redis_url or "memory://", "RAPPORT_WS_MAX_SUBSCRIPTIONS_PER_PRINCIPAL":
                 str(subscribers + 10), "RAPPORT_BUILD_QUIET_SECONDS": "3600"}
        project = ids.projects[0]
        milestone = _milestone_of(url, project)
        for name in ("watching", "changing"):
            (Path(folder) / name).mkdir()
        with serving(url, f"{folder}/watching", extra) as watching:
            if redis_url is None:
                run = asyncio.run(_burst(watching, watching, staff, project, milestone, subscribers=subscribers,
                                         events=events, fanout="memory"))
                print(run.line(), flush=True)  # before the servers stop, which is checked (and may fail) apart
                return run
            with serving(url, f"{folder}/changing", extra) as changing:
                run = asyncio.run(_burst(watching, changing, staff, project, milestone, subscribers=subscribers,
                                         events=events, fanout="redis"))
                print(run.line(), flush=True)
                return run


def _milestone_of(url: str, project: str) -> str:
    import base64

    from sqlalchemy import select

    from api.kit.database import create_engine, create_session_factory
    from api.projects.models import Milestone, MilestoneStatus

    project_pk = int(base64.b64decode(project).decode().split(":")[1])

    async def find() -> int:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                return await session.scalar(select(Milestone.id).where(
                    Milestone.project_id == project_pk, Milestone.status != MilestoneStatus.ACCEPTED)
                    .order_by(Milestone.id).limit(1))
        finally:
            await engine.dispose()

    return base64.b64encode(f"Milestone:{asyncio.run(find())}".encode()).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a PostgreSQL server URL (a database is made and dropped)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--events", type=int, default=100)
    arguments = parser.parse_args()
    print(f"{arguments.subscribers} subscribers on one project, a burst of {arguments.events} progress updates")
    memory = _one(arguments.postgres, None, subscribers=arguments.subscribers, events=arguments.events)
    redis = _one(arguments.postgres, arguments.redis, subscribers=arguments.subscribers, events=arguments.events)
    if memory.latencies and redis.latencies:
        ratio = statistics.median(redis.latencies) / statistics.median(memory.latencies)
        print(f"redis p50 / memory p50: {ratio:.2f}")


if __name__ == "__main__":
    main()
