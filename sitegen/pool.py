"""Build processes: each client's site is rendered and built in a process of its own, several at once.

A build is CPU-bound and MkDocs reads `SOURCE_DATE_EPOCH` from the process environment, so builds
that run side by side need processes, not threads. The processes come from a forkserver, never
from a fork of a process that runs threads and an event loop; the forkserver imports the generator
once, so a new build process is ready in milliseconds. Each process is its own lane (a
single-process executor): when one dies, only the build it was running fails (and any queued behind
it, which happens only when callers give the pool more builds than it has processes; build_sites
does not), and that lane alone is started afresh.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.build import build_mkdocs_site
from sitegen.render import SiteOptions, render_site_project

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from api.settings import Settings


class BuildProcessError(RuntimeError):
    """The process building a site stopped before it finished (killed, out of memory, crashed)."""


def render_and_build(snapshot: dict[str, Any], *, options: SiteOptions, work_dir: Path, build_epoch: int) -> Path:
    """Render `snapshot` into `work_dir`/project and build it into `work_dir`/site; returns the site folder."""
    project_dir, site_dir = work_dir / "project", work_dir / "site"
    render_site_project(snapshot, project_dir=project_dir, options=options, build_epoch=build_epoch)
    build_mkdocs_site(project_dir=project_dir, site_dir=site_dir, build_epoch=build_epoch)
    return site_dir


class BuildPool:
    """`processes` build processes; a build goes to the least busy one."""

    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError("a build pool needs at least one process")
        self.processes = processes
        self._lock = threading.Lock()
        self._lanes = [_new_lane() for _ in range(processes)]
        self._busy = [0] * processes
        self._closed = False

    async def build(self, snapshot: dict[str, Any], *, options: SiteOptions, work_dir: Path, build_epoch: int) -> Path:
        """Render and build one client's site in a build process; returns the built site folder in `work_dir`."""
        lane = self._take_lane()
        try:
            executor = self._lanes[lane]
            # Submitting may start the process (and the forkserver, which imports the generator), and waits
            # for it: off the event loop, so the server goes on answering meanwhile.
            submit = functools.partial(render_and_build, snapshot, options=options, work_dir=work_dir,
                                       build_epoch=build_epoch)
            try:
                future = await asyncio.to_thread(executor.submit, submit)
            except BrokenProcessPool:
                # The process died while idle: this build never started, so a fresh process takes it.
                executor = self._replace(lane, executor)
                future = await asyncio.to_thread(executor.submit, submit)
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool as exc:
                self._replace(lane, executor)
                raise BuildProcessError("the build process stopped before it finished (killed, out of memory "
                                        "or crashed); a new one takes the next build") from exc
        finally:
            with self._lock:
                self._busy[lane] -= 1

    def close(self, *, wait: bool = True) -> None:
        """Stop the build processes once the builds given to them have run; with `wait`, wait for that."""
        with self._lock:
            self._closed = True
            lanes = list(self._lanes)
        for executor in lanes:
            executor.shutdown(wait=wait)

    def _take_lane(self) -> int:
        with self._lock:
            lane = min(range(self.processes), key=self._busy.__getitem__)
            self._busy[lane] += 1
            return lane

    def _replace(self, lane: int, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """Put a fresh process in the lane of a broken one (unless the pool is closed); the lane's executor now."""
        with self._lock:
            if self._lanes[lane] is broken and not self._closed:
                self._lanes[lane] = _new_lane()
            current = self._lanes[lane]
        broken.shutdown(wait=False)
        return current


def _new_lane() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=_process_context())


@functools.cache
def _process_context() -> BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sitegen.pool"])
    return context


_pool: BuildPool | None = None
_pool_lock = threading.Lock()


def build_pool(settings: Settings) -> BuildPool:
    """This process's build pool, with RAPPORT_BUILD_PROCESSES processes, started at its first use."""
    global _pool
    size = settings.resolved_build_processes
    with _pool_lock:
        if _pool is not None and _pool.processes != size:
            _pool.close(wait=False)  # builds running in it finish; new ones go to the new pool
            _pool = None
        if _pool is None:
            _pool = BuildPool(size)
        return _pool


def close_build_pool() -> None:
    """Stop this process's build processes once their running builds end; the next build starts new ones."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()
