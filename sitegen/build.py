"""Build a rendered MkDocs project into a static site, in-process and reproducibly."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from sitegen.build_plugin import PortalBuildPlugin

# SOURCE_DATE_EPOCH and the "mkdocs" logger are process-wide: in-process builds take turns.
_build_lock = threading.Lock()


def build_mkdocs_site(*, project_dir: Path, site_dir: Path, build_epoch: int) -> None:
    """Build the MkDocs project in project_dir into site_dir, dated build_epoch (Unix seconds)."""
    with _build_lock, _source_date_epoch(build_epoch), _quiet_mkdocs():
        config = load_config(config_file=str(project_dir / "mkdocs.yml"), site_dir=str(site_dir))
        config.plugins["rapport-portal-build"] = PortalBuildPlugin()
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()


@contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextmanager
def _quiet_mkdocs() -> Iterator[None]:
    # Warnings still reach strict mode's counter and the caller's handlers; INFO does not.
    logger = logging.getLogger("mkdocs")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)
