"""Client microsites built and published to S3 (moto's server): Rapport's pipeline vs a naive one.

    python -m bench.sitegen [--clients 200] [--processes N] [--postgres URL]

Measures in one run, on the same data: ours (`rapport sites build --all`) building every site, again with
nothing changed, and again after one client changed; and the naive baseline, which takes the same
snapshot and rendered project, runs `mkdocs build` as a subprocess per client into a fresh folder and
uploads every file one by one. Prints seconds, sites per minute, files and bytes uploaded and the ratios,
and checks that both published the same bytes for every client.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import multiprocessing
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.database import temporary_database
from bench.site_dataset import ClientSize, rename_first_project, seed_clients

if TYPE_CHECKING:
    from api.settings import Settings

BUCKET = "rapport-bench"
SECRET = "benchmark-secret-of-at-least-thirty-two-characters"


@dataclass(frozen=True)
class Run:
    """One measured pass over every client."""

    name: str
    seconds: float
    clients: int
    built: int
    files: int
    bytes: int

    @property
    def sites_per_minute(self) -> float:
        return self.clients / self.seconds * 60


def _serve_s3(ready: Any, stop: Any) -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    ready.put(server.get_host_and_port())
    stop.wait()
    server.stop()


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's S3 server in a process of its own (so it does not share this one's interpreter lock); its URL."""
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    process = context.Process(target=_serve_s3, args=(ready, stop), daemon=True)
    process.start()
    try:
        while True:
            try:
                host, port = ready.get(timeout=1)
                break
            except queue.Empty:
                if not process.is_alive():
                    raise RuntimeError("moto's S3 server did not start") from None
        yield f"http://{host}:{port}"
    finally:
        stop.set()
        process.join(10)
        if process.is_alive():
            process.terminate()


def _settings(database_url: str, folder: str, endpoint: str, processes: int | None) -> Settings:
    from api.settings import Settings

    return Settings(database_url=database_url, data_dir=Path(folder), publish_target=f"s3://{BUCKET}/ours",
                    s3_endpoint_url=endpoint, s3_access_key_id="bench", s3_secret_access_key="bench",
                    jwt_secret=SECRET, build_processes=processes)


async def _prepare(settings: Settings, clients: int, size: ClientSize) -> None:
    from api.changes.tracking import install_change_tracking
    from api.database import upgrade_database
    from api.kit.database import create_engine, create_session_factory

    install_change_tracking()  # as in every Rapport process: the seed and the change move data versions
    await asyncio.to_thread(upgrade_database, settings.resolved_database_url)
    engine = create_engine(settings.resolved_database_url)
    async with create_session_factory(engine)() as session:
        await seed_clients(session, clients=clients, size=size)
        await session.commit()
    await engine.dispose()


async def _change_one_client(settings: Settings) -> None:
    from api.kit.database import create_engine, create_session_factory

    engine = create_engine(settings.resolved_database_url)
    async with create_session_factory(engine)() as session:
        await rename_first_project(session, number=0, name="Programme 0.0, second phase")
        await session.commit()
    await engine.dispose()


def run_ours(name: str, settings: Settings, *, expect: dict[str, int]) -> Run:
    """`rapport sites build --all`, timed; the build states must be `expect`."""
    from rapport.commands import build_sites

    started = time.perf_counter()
    outcomes = asyncio.run(build_sites(settings, slugs=None))
    seconds = time.perf_counter() - started
    states = Counter(outcome.state.value for outcome in outcomes)
    if dict(states) != expect:
        raise RuntimeError(f"{name}: expected {expect}, got {dict(states)}")
    return Run(name, seconds, len(outcomes), states["PUBLISHED"], sum(o.files for o in outcomes),
               sum(o.bytes for o in outcomes))


async def run_naive(settings: Settings, folder: str) -> tuple[Run, dict[str, dict[str, str]]]:
    """Per client, one after another: snapshot, render, `mkdocs build` subprocess, upload every file."""
    from api.cx.surveys.site_links import site_survey_links
    from api.kit.database import create_engine, create_session_factory
    from api.sites import service as site_service
    from sitegen.manifest import content_type_for
    from sitegen.pipeline import build_epoch, site_options
    from sitegen.publish_s3 import s3_client
    from sitegen.render import render_site_project
    from sitegen.snapshot import fetch_snapshot

    engine = create_engine(settings.resolved_database_url)
    sessions = create_session_factory(engine)
    client = s3_client(settings)
    async with sessions() as session:
        entries = await site_service.client_sites(session)
    published: dict[str, dict[str, str]] = {}
    files = size = 0
    started = time.perf_counter()
    for entry in entries:
        async with sessions() as session:
            links = await site_survey_links(session, settings=settings, client_id=entry.client.id)
            snapshot = await fetch_snapshot(session, settings=settings, client_id=entry.client.id,
                                            slug=entry.client.slug)
            await session.commit()
        work = Path(tempfile.mkdtemp(prefix="naive-", dir=folder))
        render_site_project(snapshot, project_dir=work / "project", options=site_options(entry, links),
                            build_epoch=build_epoch(snapshot))
        await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file",
                             str(work / "project" / "mkdocs.yml"), "--site-dir", str(work / "site")],
            check=True, env={**os.environ, "SOURCE_DATE_EPOCH": str(build_epoch(snapshot))})
        hashes = published[entry.site_path] = {}
        for path in sorted(p for p in (work / "site").rglob("*") if p.is_file()):
            name, body = path.relative_to(work / "site").as_posix(), path.read_bytes()
            client.put_object(Bucket=BUCKET, Key=f"naive/{entry.site_path}/{name}", Body=body,
                              ContentType=content_type_for(name))
            hashes[name] = hashlib.sha256(body).hexdigest()
            files, size = files + 1, size + len(body)
        shutil.rmtree(work)
    seconds = time.perf_counter() - started
    await engine.dispose()
    return Run("naive: full", seconds, len(entries), len(entries), files, size), published


def same_sites(settings: Settings, naive: dict[str, dict[str, str]]) -> int:
    """How many clients' sites ours published with exactly the bytes the naive run built (by our manifests)."""
    from sitegen.manifest import Manifest
    from sitegen.publish_s3 import s3_client

    client = s3_client(settings)
    same = 0
    for site_path, hashes in naive.items():
        raw = client.get_object(Bucket=BUCKET, Key=f"ours/_manifests/{site_path}.json")["Body"].read()
        same += {path: entry.sha256 for path, entry in Manifest.from_json(raw).files.items()} == hashes
    return same


def main() -> None:
    """Seed, run ours three times and the naive baseline once, compare, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200, help="how many client sites (default 200)")
    parser.add_argument("--processes", type=int, default=None, help="build processes (default: one per CPU)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run on instead of SQLite "
                        "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres); a fresh database is made there")
    args = parser.parse_args()
    if args.clients < 2:
        parser.error("--clients must be at least 2")
    size = ClientSize()
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as folder, \
            temporary_database(args.postgres, folder) as database_url, s3_server() as endpoint:
        from sitegen.publish_s3 import s3_client

        settings = _settings(database_url, folder, endpoint, args.processes)
        s3_client(settings).create_bucket(Bucket=BUCKET)
        started = time.perf_counter()
        asyncio.run(_prepare(settings, args.clients, size))
        print(f"seeded {args.clients} clients in {time.perf_counter() - started:.1f} s", flush=True)
        everyone = args.clients
        runs = [run_ours("ours: full", settings, expect={"PUBLISHED": everyone}),
                run_ours("ours: no change", settings, expect={"UNCHANGED": everyone})]
        asyncio.run(_change_one_client(settings))
        runs.append(run_ours("ours: one client changed", settings,
                             expect={"PUBLISHED": 1, "UNCHANGED": everyone - 1}))
        naive, naive_sites = asyncio.run(run_naive(settings, folder))
        runs.append(naive)
        same = same_sites(settings, naive_sites)
    _report(runs, args, size, settings.resolved_build_processes, same)


def _report(runs: list[Run], args: argparse.Namespace, size: ClientSize, processes: int, same: int) -> None:
    by_name = {run.name: run for run in runs}
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"data: {args.clients} clients, {size.describe()}; {backend}; moto S3 server; "
          f"{processes} build processes on {os.cpu_count()} CPUs")
    print(f"{'run':<26}{'seconds':>9}{'sites/min':>11}{'built':>7}{'files up':>10}{'bytes up':>13}")
    for run in runs:
        print(f"{run.name:<26}{run.seconds:>9.2f}{run.sites_per_minute:>11.0f}{run.built:>7}{run.files:>10}"
              f"{run.bytes:>13}")
    full, unchanged, naive = by_name["ours: full"], by_name["ours: no change"], by_name["naive: full"]
    one_changed = by_name["ours: one client changed"]
    print(f"ours/naive full-build throughput: {full.sites_per_minute / naive.sites_per_minute:.2f}x (goal: at least 4x)")
    print(f"no-change run: {unchanged.seconds / full.seconds:.1%} of the full run's time, {unchanged.bytes} bytes "
          "uploaded (goal: at most 2%, 0 bytes)")
    print(f"one-client-changed run: {one_changed.seconds / full.seconds:.1%} of the full run's time, "
          f"{one_changed.bytes} bytes uploaded (goal: at most 5%)")
    print(f"same bytes from ours and naive: {same} of {args.clients} sites")


if __name__ == "__main__":
    main()
