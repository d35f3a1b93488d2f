"""The S3 publisher (AWS S3, MinIO, R2): upload what changed, assets before pages, then commit the manifest."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from api.settings import Settings
from api.sites.headers import CONTENT_SECURITY_POLICY
from sitegen.manifest import Manifest, PublishResult, cache_control_for, is_page, plan_publish

MANIFESTS = "_manifests"
UPLOAD_WORKERS = 8
PAGE_METADATA = {"content-security-policy": CONTENT_SECURITY_POLICY}  # served as x-amz-meta-content-security-policy
MAX_RETRIES = 4  # botocore counts `max_attempts` as retries after the first try: 5 tries in all
CONFLICT_CODES = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "412", "409"})


class ConcurrentPublishError(RuntimeError):
    """Another publisher changed the site between our manifest read and write."""


def s3_client(settings: Settings) -> Any:
    """A boto3 S3 client for AWS S3 or an S3-compatible store (MinIO, R2) named by the settings."""
    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "max_attempts": MAX_RETRIES},
        # Every build process's site may be publishing at once, each with its own upload threads.
        max_pool_connections=UPLOAD_WORKERS * max(2, settings.resolved_build_processes),
        s3={"addressing_style": "path"} if settings.s3_endpoint_url else None,
    )
    secret = settings.s3_secret_access_key
    return boto3.session.Session().client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        config=config,
    )


class S3Publisher:
    """Publishes under `s3://bucket/prefix/<site_path>/`, with the manifests under `prefix/_manifests/`."""

    def __init__(self, client: Any, *, bucket: str, prefix: str, max_delete_share: float) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.max_delete_share = max_delete_share

    def publish(self, site_dir: Path, site_path: str) -> PublishResult:
        """Upload new and changed files (pages last), write the manifest if no one else did, then delete stale files."""
        current = Manifest.of_folder(site_dir)
        previous, etag = self._read_manifest(site_path)
        plan = plan_publish(site_path=site_path, previous=previous, current=current,
                            stored=self._stored_paths(site_path), max_delete_share=self.max_delete_share)
        pages = [path for path in plan.upload if is_page(path)]
        assets = [path for path in plan.upload if not is_page(path)]
        self._each(lambda path: self._upload(site_dir, site_path, current, path), assets)
        self._each(lambda path: self._upload(site_dir, site_path, current, path), pages)
        # The manifest is the commit point: written after every upload, and stale files go only once it is,
        # so a publisher that loses the race (412) has deleted nothing the winner's pages need.
        if plan.upload or plan.delete or previous != current:
            self._write_manifest(site_path, current, etag)
        self._each(lambda path: self._delete(self._key(site_path, path)), plan.delete)
        return plan.result()

    def remove(self, site_path: str) -> int:
        """Delete a site and its manifest; returns the files removed."""
        stored = self._stored_paths(site_path)
        self._each(lambda path: self._delete(self._key(site_path, path)), stored)
        self._delete(self._manifest_key(site_path))
        return len(stored)

    def _key(self, site_path: str, path: str) -> str:
        return "/".join(part for part in (self.prefix, site_path, path) if part)

    def _manifest_key(self, site_path: str) -> str:
        return self._key(MANIFESTS, f"{site_path}.json")

    def _read_manifest(self, site_path: str) -> tuple[Manifest, str | None]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._manifest_key(site_path))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return Manifest({}), None
            raise
        return Manifest.from_json(response["Body"].read()), response["ETag"]

    def _write_manifest(self, site_path: str, manifest: Manifest, etag: str | None) -> None:
        condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._manifest_key(site_path), Body=manifest.to_json(),
                                   ContentType="application/json", CacheControl="no-store", **condition)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in CONFLICT_CODES:
                raise ConcurrentPublishError(
                    f"site {site_path} was published by someone else during this publish; publish it again"
                ) from exc
            raise

    def _stored_paths(self, site_path: str) -> set[str]:
        # Listing, not just the manifest, also finds files that a failed publish uploaded and nothing needs now.
        base = self._key(site_path, "") + "/"
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base)
        return {item["Key"][len(base):] for page in pages for item in page.get("Contents", [])}

    def _upload(self, site_dir: Path, site_path: str, manifest: Manifest, path: str) -> None:
        body = (site_dir / path).read_bytes()
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(site_path, path),
            Body=body,
            ContentType=manifest.files[path].content_type,
            CacheControl=cache_control_for(path),
            # S3 cannot send it as a header itself; a CDN in front maps it (every page also carries it as <meta>).
            Metadata=PAGE_METADATA if manifest.files[path].content_type.startswith("text/html") else {},
            ContentMD5=base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode(),
        )

    def _delete(self, key: str) -> None:
        # One DeleteObject per key: DeleteObjects needs Content-MD5 on several S3-compatible stores,
        # and botocore >= 1.36 sends only a CRC32 there.
        self.client.delete_object(Bucket=self.bucket, Key=key)

    @staticmethod
    def _each(action: Callable[[str], None], paths: Iterable[str]) -> None:
        """Run `action` over `paths` in parallel; wait for all, then raise the first failure."""
        with ThreadPoolExecutor(max_workers=UPLOAD_WORKERS) as pool:
            futures = [pool.submit(action, path) for path in sorted(paths)]
        for future in futures:
            future.result()
