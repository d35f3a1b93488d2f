"""A busy morning against `rapport serve`: concurrent readers and writers over real HTTP, counting every error.

    python -m bench.load [--seconds 60] [--readers 16] [--writers 2] [--postgres URL]

Readers ask a mix of the client dashboard, the project list, one project by id and the CX summary; writers
(PMO staff) move milestones and projects forward, add risks and submit feedback, and every such change queues a
site rebuild that the embedded build queue carries out while the load runs. It prints, for reads and writes,
the requests made, p50 and p95 latency and the errors (an HTTP error, or a GraphQL error or user error where
none was expected); the goal is 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.api import OURS_QUERY, SECRET
from bench.database import temporary_database
from bench.dataset import Size, seed

READS = [
    (OURS_QUERY, lambda ids: {"slug": ids.slug}),
    ("query { projects(first: 50) { totalCount edges { node { code name percentComplete } } } }", lambda ids: {}),
    ("query($id: ID!) { node(id: $id) { ... on Project { name milestones(first: 20) { totalCount } } } }",
     lambda ids: {"id": ids.project()}),
    ("query($slug: String!) { client(slug: $slug) { cxSummary { sampleSize csatPercent nps cesMean } } }",
     lambda ids: {"slug": ids.slug}),
]
WRITES = [
    ("mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { userErrors { message } } }",
     lambda ids, n: {"input": {"id": ids.milestone(), "percentComplete": n % 100}}),
    ("mutation($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { message } } }",
     lambda ids, n: {"input": {"id": ids.project(), "percentComplete": n % 100}}),
    ("mutation($input: CreateRiskInput!) { createRisk(input: $input) { userErrors { message } } }",
     lambda ids, n: {"input": {"projectId": ids.project(), "title": f"Load risk {n}", "probability": 2, "impact": 3,
                               "ownerName": "Load", "visibility": "CLIENT"}}),
    ("mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { userErrors { message } } }",
     lambda ids, n: {"input": {"touchpoint": "GENERAL", "clientId": ids.client, "csat": 1 + n % 5}}),
]


@dataclass
class Ids:
    """Global ids the requests name, handed out round-robin."""

    slug: str
    client: str
    projects: list[str]
    milestones: list[str]
    _turn: Iterator[int] = field(default_factory=itertools.count)

    def project(self) -> str:
        return self.projects[next(self._turn) % len(self.projects)]

    def milestone(self) -> str:
        return self.milestones[next(self._turn) % len(self.milestones)]


@dataclass
class Tally:
    """One kind of request's latencies and errors."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        if not self.latencies_ms:
            return f"{name:<8}{0:>10}{'-':>10}{'-':>10}{len(self.errors):>8}"
        p95 = statistics.quantiles(self.latencies_ms, n=20)[18] if len(self.latencies_ms) > 1 else self.latencies_ms[0]
        return (f"{name:<8}{len(self.latencies_ms):>10}{statistics.median(self.latencies_ms):>10.1f}{p95:>10.1f}"
                f"{len(self.errors):>8}")


@dataclass
class LoadResult:
    """What a run measured."""

    reads: Tally
    writes: Tally
    seconds: float
    server_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return self.reads.errors + self.writes.errors


def _gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def _prepare(database_url: str, folder: str) -> tuple[Ids, str, str]:
    from sqlalchemy import select

    from api.auth.models import Membership, Role, User
    from api.auth.tokens import issue_access_token
    from api.database import upgrade_database
    from api.kit.database import create_engine, create_session_factory
    from api.organizations.models import Organization, OrganizationKind
    from api.projects.models import Milestone, MilestoneStatus, Project
    from api.settings import Settings

    await asyncio.to_thread(upgrade_database, database_url)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            slug, executive_id = await seed(session, Size(projects=20, milestones=10, reports=6, feedback=100))
            pmo = Organization(slug="bench-pmo", name="Benchmark PMO", kind=OrganizationKind.PMO)
            staff = User(email="staff@bench.example", name="Bench Staff")
            session.add_all([pmo, staff])
            await session.flush()
            session.add(Membership(user_id=staff.id, organization_id=pmo.id, role=Role.PMO_STAFF))
            client_id = await session.scalar(select(Organization.id).where(Organization.slug == slug))
            projects = list(await session.scalars(select(Project.id).where(Project.client_id == client_id)))
            open_milestones = select(Milestone.id).where(Milestone.project_id.in_(projects), Milestone.status.in_(
                (MilestoneStatus.NOT_STARTED, MilestoneStatus.IN_PROGRESS)))
            milestones = list(await session.scalars(open_milestones))
            await session.commit()
    finally:
        await engine.dispose()
    settings = Settings(jwt_secret=SECRET)
    ids = Ids(slug=slug, client=_gid("Client", client_id), projects=[_gid("Project", pk) for pk in projects],
              milestones=[_gid("Milestone", pk) for pk in milestones])
    return (ids, issue_access_token(settings=settings, user_id=executive_id),
            issue_access_token(settings=settings, user_id=staff.id))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(database_url: str, folder: str, extra: dict[str, str] | None = None) -> Iterator[str]:
    """`rapport serve` on the database, as operators start it (embedded build queue), with `extra` settings in its
    environment: its base URL."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("RAPPORT_")}
    env.update({"RAPPORT_DATABASE_URL": database_url, "RAPPORT_DATA_DIR": folder, "RAPPORT_JWT_SECRET": SECRET,
                "RAPPORT_PUBLISH_TARGET": (Path(folder) / "sites").as_uri(),
                "RAPPORT_RATE_LIMIT_POINTS_PER_MINUTE": str(10**9), "PYTHONFAULTHANDLER": "1", **(extra or {})})
    log = Path(folder) / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "rapport", "serve", "--host", "127.0.0.1", "--port",
                                   str(port)], env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"rapport serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.send_signal(signal.SIGABRT)  # the fault handler writes every thread's stack to the log
            server.wait(10)
            lines = [line for line in log.read_text().splitlines() if '"POST /graphql' not in line]
            raise RuntimeError("rapport serve did not stop within 30 s of SIGTERM:\n" + "\n".join(lines[-200:]))


async def _client_loop(http: httpx.AsyncClient, token: str, tally: Tally, until: float, next_request) -> None:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {token}"}
    for n in itertools.count():
        if time.monotonic() >= until:
            return
        query, variables = next_request(n)
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        except httpx.HTTPError as error:
            tally.errors.append(f"{type(error).__name__}: {error}")
            continue
        tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        problem = _problem(response)
        if problem:
            tally.errors.append(problem)


def _problem(response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    body = response.json()
    if body.get("errors"):
        return f"error: {body['errors'][0].get('message')}"
    user_errors = [value.get("userErrors") for value in (body.get("data") or {}).values() if isinstance(value, dict)]
    if any(user_errors):
        return f"user error: {user_errors}"
    return None


async def _load(base: str, ids: Ids, reader_token: str, writer_token: str, *, seconds: float, readers: int,
                writers: int) -> LoadResult:
    reads, writes = Tally(), Tally()
    until = time.monotonic() + seconds

    def read(n: int) -> tuple[str, dict]:
        query, variables = READS[n % len(READS)]
        return query, variables(ids)

    def write(n: int) -> tuple[str, dict]:
        query, variables = WRITES[n % len(WRITES)]
        return query, variables(ids, n)

    limits = httpx.Limits(max_connections=readers + writers)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        started = time.monotonic()
        await asyncio.gather(*(_client_loop(http, reader_token, reads, until, read) for _ in range(readers)),
                             *(_client_loop(http, writer_token, writes, until, write) for _ in range(writers)))
        return LoadResult(reads=reads, writes=writes, seconds=time.monotonic() - started)


def run_load(*, postgres: str | None, seconds: float, readers: int, writers: int) -> LoadResult:
    """Seed a database, start `rapport serve` on it, and run the load for `seconds`."""
    with tempfile.TemporaryDirectory(prefix="rapport-load-") as folder, \
            temporary_database(postgres, folder) as database_url:
        ids, reader_token, writer_token = asyncio.run(_prepare(database_url, folder))
        with serving(database_url, folder) as base:
            result = asyncio.run(_load(base, ids, reader_token, writer_token, seconds=seconds, readers=readers,
                                       writers=writers))
        if result.errors:  # what the server logged about them, before the folder goes
            log = (Path(folder) / "serve.log").read_text()
            result.server_errors.extend(block for block in log.split("\nTraceback")[1:3])
        return result


def main() -> None:
    """Run the load on one database and print what it measured."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run on instead of SQLite "
                        "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres); a fresh database is made there")
    args = parser.parse_args()
    result = run_load(postgres=args.postgres, seconds=args.seconds, readers=args.readers, writers=args.writers)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{backend}: {args.readers} readers + {args.writers} writers for {result.seconds:.0f} s "
          f"against rapport serve (embedded build queue)")
    print(f"{'':<8}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
    print(result.reads.line("reads"))
    print(result.writes.line("writes"))
    for error in sorted(set(result.errors))[:10]:
        print(f"  {error}")
    for block in result.server_errors:
        print("server log: Traceback" + block[-3000:])
    sys.exit(1 if result.errors else 0)


if __name__ == "__main__":
    main()
