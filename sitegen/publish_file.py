"""The folder publisher: each release is a folder and the site address a symlink switched in one step."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

from sitegen.manifest import Manifest, PublishResult, plan_publish

RELEASES = ".releases"
MANIFESTS = ".manifests"


class FilePublisher:
    """Publishes into a local folder; readers see the whole old or the whole new site."""

    def __init__(self, root: Path, *, max_delete_share: float) -> None:
        self.root = root
        self.max_delete_share = max_delete_share

    def publish(self, site_dir: Path, site_path: str) -> PublishResult:
        """Copy `site_dir` in as a new release, switch `site_path` to it, then record its manifest."""
        current = Manifest.of_folder(site_dir)
        address = self.root / site_path
        previous_release = address.resolve() if address.is_symlink() else None
        stored = _file_paths(previous_release) if previous_release else set()
        plan = plan_publish(site_path=site_path, previous=self._read_manifest(site_path), current=current,
                            stored=stored, max_delete_share=self.max_delete_share)
        releases = self.root / RELEASES
        releases.mkdir(parents=True, exist_ok=True)
        release = releases / f"{site_path}-{current.digest()[:16]}"
        if not release.exists():
            staging = releases / f".staging-{uuid.uuid4().hex}"
            try:
                shutil.copytree(site_dir, staging)
                os.replace(staging, release)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        link = self.root / f".link-{uuid.uuid4().hex}"
        link.symlink_to(release.relative_to(self.root), target_is_directory=True)
        os.replace(link, address)
        self._write_manifest(site_path, current)
        if previous_release is not None and previous_release != release.resolve():
            shutil.rmtree(previous_release, ignore_errors=True)
        return plan.result()

    def remove(self, site_path: str) -> int:
        """Take a site down: its address, its releases and its manifest; returns the files removed."""
        address = self.root / site_path
        removed = 0
        if address.is_symlink():
            removed = len(_file_paths(address.resolve()))
            address.unlink()
        release_name = re.compile(rf"{re.escape(site_path)}-[0-9a-f]{{16}}")
        releases = self.root / RELEASES
        for release in releases.iterdir() if releases.exists() else []:
            if release_name.fullmatch(release.name):
                shutil.rmtree(release)
        self._manifest_file(site_path).unlink(missing_ok=True)
        return removed

    def _manifest_file(self, site_path: str) -> Path:
        return self.root / MANIFESTS / f"{site_path}.json"

    def _read_manifest(self, site_path: str) -> Manifest:
        file = self._manifest_file(site_path)
        return Manifest.from_json(file.read_bytes()) if file.exists() else Manifest({})

    def _write_manifest(self, site_path: str, manifest: Manifest) -> None:
        file = self._manifest_file(site_path)
        file.parent.mkdir(parents=True, exist_ok=True)
        staging = file.with_name(f".{file.name}.{uuid.uuid4().hex}")
        staging.write_bytes(manifest.to_json())
        os.replace(staging, file)


def _file_paths(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
