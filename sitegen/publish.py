"""Publishers: put a built site at its address so that readers never see half of it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse
from urllib.request import url2pathname

from api.settings import Settings
from sitegen.manifest import MassDeletionError, PublishResult
from sitegen.publish_file import FilePublisher
from sitegen.publish_s3 import ConcurrentPublishError, S3Publisher, s3_client

__all__ = ["ConcurrentPublishError", "MassDeletionError", "PublishResult", "PublishTargetError", "Publisher",
           "publisher_for"]


class PublishTargetError(ValueError):
    """The publish target URL cannot be used."""


class Publisher(Protocol):
    """Puts sites at their addresses and takes them down."""

    def publish(self, site_dir: Path, site_path: str) -> PublishResult:
        """Make the site built in `site_dir` live at `site_path`, changing only what changed."""
        ...

    def remove(self, site_path: str) -> int:
        """Delete the site at `site_path` and its manifest; returns the files removed."""
        ...


def publisher_for(target: str, settings: Settings) -> Publisher:
    """The publisher for a target URL: file:///srv/sites or s3://bucket/prefix."""
    parsed = urlparse(target)
    share = settings.publish_max_delete_share
    if parsed.scheme == "file":
        return FilePublisher(Path(url2pathname(parsed.path)), max_delete_share=share)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise PublishTargetError(f"publish target {target!r} names no bucket: use s3://bucket/prefix")
        return S3Publisher(s3_client(settings), bucket=parsed.netloc, prefix=parsed.path, max_delete_share=share)
    raise PublishTargetError(f"unsupported publish target {target!r}: use file:///path or s3://bucket/prefix")
