"""Client dashboard over real HTTP on uvicorn: Rapport's API vs the hand-written floor vs a naive implementation.

    python -m bench.api [--requests 60] [--concurrency 8] [--postgres URL]

Prints latency (p50, p95), throughput and SQL statements per request for each, and the ratios
ours/floor and naive/ours, all measured in this one run on the same data.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.database import temporary_database
from bench.dataset import Size, seed

OURS_QUERY = """query($slug: String!) { client(slug: $slug) { name cxSummary { sampleSize csatPercent nps }
  projects(first: 100) { edges { node { code name status percentComplete health { overall }
    milestones(first: 20) { edges { node { name status forecastDate percentComplete } } }
    latestReport { title publishedAt }
    risks(first: 10) { edges { node { title severity status } } } } } } } }"""
SECRET = "benchmark-secret-of-at-least-thirty-two-characters"


@dataclass
class Result:
    name: str
    p50_ms: float
    p95_ms: float
    throughput: float
    statements: int


def _settings(database_url: str, folder: str):  # noqa: ANN202 - api.settings.Settings
    from api.settings import Settings

    return Settings(database_url=database_url, data_dir=Path(folder), publish_target=Path(folder).as_uri(),
                    jwt_secret=SECRET, rate_limit_points_per_minute=10**9)


def serve(kind: str, database_url: str, folder: str, port: int) -> None:
    """Run one implementation on uvicorn, with a counter of SQL statements at /_bench/statements."""
    import uvicorn
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    if kind == "ours":
        from api.app import create_app

        app = create_app(_settings(database_url, folder))
    elif kind == "floor":
        from bench.floor import floor_app

        app = floor_app(database_url)
    else:
        from bench.naive import naive_app

        app = naive_app(database_url)
    app.add_api_route("/_bench/statements", lambda: {"statements": statements[0]})
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(kind: str, slug: str, token: str) -> tuple[str, dict, dict]:
    if kind == "ours":
        return "/graphql", {"query": OURS_QUERY, "variables": {"slug": slug}}, {"Authorization": f"Bearer {token}"}
    if kind == "floor":
        return "/dashboard", {"slug": slug}, {}
    from bench.naive import QUERY

    return "/graphql", {"query": QUERY, "variables": {"slug": slug}}, {}


def _project_count(kind: str, body: dict) -> int:
    projects = body["data"]["client"]["projects"]
    return len(projects["edges"] if kind == "ours" else projects)


async def _measure(kind: str, base: str, slug: str, token: str, size: Size, requests: int, concurrency: int) -> Result:
    path, payload, headers = _request(kind, slug, token)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(5):
            response = await client.post(path, json=payload, headers=headers)
            assert response.status_code == 200 and "errors" not in response.json(), response.text[:500]
            assert _project_count(kind, response.json()) == size.projects
        before = (await client.get("/_bench/statements")).json()["statements"]
        await client.post(path, json=payload, headers=headers)
        statements = (await client.get("/_bench/statements")).json()["statements"] - before
        latencies = []
        for _ in range(requests):
            started = time.perf_counter()
            await client.post(path, json=payload, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)

        async def worker(count: int) -> None:
            for _ in range(count):
                (await client.post(path, json=payload, headers=headers)).raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker(requests // concurrency) for _ in range(concurrency)))
        throughput = (requests // concurrency * concurrency) / (time.perf_counter() - started)
    cuts = statistics.quantiles(latencies, n=20)
    return Result(kind, statistics.median(latencies), cuts[18], throughput, statements)


async def _prepare(database_url: str, size: Size, folder: str) -> tuple[str, str]:
    from api.auth.tokens import issue_access_token
    from api.database import upgrade_database
    from api.kit.database import create_engine, create_session_factory

    await asyncio.to_thread(upgrade_database, database_url)
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        slug, user_id = await seed(session, size)
        await session.commit()
    await engine.dispose()
    return slug, issue_access_token(settings=_settings(database_url, folder), user_id=user_id)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/_bench/statements", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {base} did not start")


def main() -> None:
    """Seed, start the three servers, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run on instead of SQLite "
                        "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres); a fresh database is made there")
    args = parser.parse_args()
    size = Size()
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as folder, \
            temporary_database(args.postgres, folder) as database_url:
        slug, token = asyncio.run(_prepare(database_url, size, folder))
        spawn = multiprocessing.get_context("spawn")
        results = []
        for kind in ("floor", "ours", "naive"):
            port = _free_port()
            process = spawn.Process(target=serve, args=(kind, database_url, folder, port), daemon=True)
            process.start()
            try:
                _wait_until_up(f"http://127.0.0.1:{port}")
                results.append(asyncio.run(_measure(kind, f"http://127.0.0.1:{port}", slug, token, size,
                                                    args.requests, args.concurrency)))
            finally:
                process.terminate()
                process.join(10)
    _report(results, size, args)


def _report(results: list[Result], size: Size, args: argparse.Namespace) -> None:
    by_name = {result.name: result for result in results}
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"data: {size.describe()}; {backend}; {args.requests} requests, throughput at concurrency {args.concurrency}")
    print(f"{'implementation':<16}{'p50 ms':>10}{'p95 ms':>10}{'req/s':>10}{'SQL/request':>13}")
    for result in results:
        print(f"{result.name:<16}{result.p50_ms:>10.1f}{result.p95_ms:>10.1f}{result.throughput:>10.1f}"
              f"{result.statements:>13}")
    ours, floor, naive = by_name["ours"], by_name["floor"], by_name["naive"]
    print(f"ours/floor  p50 {ours.p50_ms / floor.p50_ms:.2f}x   throughput {floor.throughput / ours.throughput:.2f}x")
    print(f"naive/ours  p50 {naive.p50_ms / ours.p50_ms:.2f}x   throughput {ours.throughput / naive.throughput:.2f}x")


if __name__ == "__main__":
    main()
