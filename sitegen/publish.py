"""Publishers: put a built site at its address so that readers never see half of it."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

RELEASES = ".releases"


@dataclass(frozen=True)
class PublishResult:
    """What one publish wrote."""

    files: int
    bytes: int


class PublishTargetError(ValueError):
    """The publish target URL cannot be used."""


class FilePublisher:
    """Publishes into a local folder: each release is a folder, the site address a symlink to it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def publish(self, site_dir: Path, site_path: str) -> PublishResult:
        """Copy `site_dir` in as a new release, then switch `site_path` to it in one step."""
        releases = self.root / RELEASES
        releases.mkdir(parents=True, exist_ok=True)
        release = releases / f"{site_path}-{_tree_digest(site_dir)[:16]}"
        if not release.exists():
            staging = releases / f".staging-{uuid.uuid4().hex}"
            shutil.copytree(site_dir, staging)
            os.replace(staging, release)
        address = self.root / site_path
        previous = address.resolve() if address.is_symlink() else None
        link = self.root / f".link-{uuid.uuid4().hex}"
        link.symlink_to(release.relative_to(self.root), target_is_directory=True)
        os.replace(link, address)
        if previous is not None and previous != release.resolve():
            shutil.rmtree(previous, ignore_errors=True)
        files = [path for path in release.rglob("*") if path.is_file()]
        return PublishResult(files=len(files), bytes=sum(path.stat().st_size for path in files))

    def published_paths(self) -> list[str]:
        """The site addresses currently published under the root."""
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_symlink())


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\x00")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def publisher_for(target: str) -> FilePublisher:
    """The publisher for a target URL such as file:///srv/sites."""
    parsed = urlparse(target)
    if parsed.scheme == "file":
        return FilePublisher(Path(url2pathname(parsed.path)))
    raise PublishTargetError(f"unsupported publish target {target!r}: use a file:///path URL")
