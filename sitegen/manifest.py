"""Site manifests (path, SHA-256, size, content type) and the publish plan drawn from them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".xml": "application/xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".gz": "application/gzip",
    ".pdf": "application/pdf",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
PAGE_CACHE = "no-cache"
HASHED_CACHE = "max-age=31536000, immutable"
SHORT_CACHE = "max-age=300"
# A content hash in the name (`portal.3f2a9c1b.css`, `chart-3f2a9c1b8d.svg`) means the bytes never change.
HASHED_NAME = re.compile(r"[.-][0-9a-f]{8,}\.[A-Za-z0-9]+$")


def content_type_for(path: str) -> str:
    """The Content-Type a file is served with, from its extension."""
    return CONTENT_TYPES.get(PurePosixPath(path).suffix.lower(), DEFAULT_CONTENT_TYPE)


def is_page(path: str) -> bool:
    """Whether the file is an HTML page (published after everything it may reference)."""
    return PurePosixPath(path).suffix.lower() == ".html"


def cache_control_for(path: str) -> str:
    """Pages revalidate, content-hashed files are immutable, everything else is cached briefly."""
    if is_page(path):
        return PAGE_CACHE
    if HASHED_NAME.search(PurePosixPath(path).name):
        return HASHED_CACHE
    return SHORT_CACHE


@dataclass(frozen=True)
class ManifestEntry:
    """One published file."""

    sha256: str
    size: int
    content_type: str


@dataclass(frozen=True)
class Manifest:
    """Every file of one published site, by path relative to the site."""

    files: dict[str, ManifestEntry]

    @classmethod
    def of_folder(cls, folder: Path) -> Manifest:
        """The manifest of a built site on disk."""
        files = {}
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            path = file.relative_to(folder).as_posix()
            content = file.read_bytes()
            files[path] = ManifestEntry(hashlib.sha256(content).hexdigest(), len(content), content_type_for(path))
        return cls(files)

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Read a manifest written by `to_json`."""
        return cls({path: ManifestEntry(**entry) for path, entry in json.loads(raw)["files"].items()})

    def to_json(self) -> bytes:
        """The manifest as stable JSON (sorted paths)."""
        files = {path: vars(self.files[path]) for path in sorted(self.files)}
        return json.dumps({"version": 1, "files": files}, indent=1).encode()

    def digest(self) -> str:
        """One SHA-256 over every path and content: equal digests mean identical sites."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            digest.update(f"{path}\x00{self.files[path].sha256}\x00".encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class PublishResult:
    """What one publish changed."""

    uploaded: int
    deleted: int
    unchanged: int
    bytes_uploaded: int


class MassDeletionError(RuntimeError):
    """A publish would delete more of a site than allowed in one go."""


@dataclass(frozen=True)
class PublishPlan:
    """The files to upload (assets before pages), leave alone and delete."""

    upload: list[str]
    unchanged: list[str]
    delete: list[str]
    bytes_uploaded: int

    def result(self) -> PublishResult:
        """The counts this plan reports once carried out."""
        return PublishResult(uploaded=len(self.upload), deleted=len(self.delete), unchanged=len(self.unchanged),
                             bytes_uploaded=self.bytes_uploaded)


def plan_publish(*, site_path: str, previous: Manifest, current: Manifest, stored: set[str],
                 max_delete_share: float) -> PublishPlan:
    """Diff the new site against the manifest and what is stored; refuse a mass deletion."""
    upload, unchanged = [], []
    for path, entry in current.files.items():
        (unchanged if path in stored and previous.files.get(path) == entry else upload).append(path)
    delete = sorted(stored - current.files.keys())
    if stored and len(delete) > max_delete_share * len(stored):
        raise MassDeletionError(
            f"refusing to delete {len(delete)} of {len(stored)} files of site {site_path} in one publish "
            f"(more than {max_delete_share:.0%}); set RAPPORT_PUBLISH_MAX_DELETE_SHARE=1 to allow it"
        )
    upload.sort(key=lambda path: (is_page(path), path))
    return PublishPlan(upload=upload, unchanged=sorted(unchanged), delete=delete,
                       bytes_uploaded=sum(current.files[path].size for path in upload))
