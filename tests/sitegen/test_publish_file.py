"""Publishing into a folder, the manifest rules shared by every target, and choosing a publisher."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitegen import publish_file
from sitegen.manifest import Manifest, MassDeletionError, cache_control_for, content_type_for
from sitegen.publish import PublishTargetError, publisher_for
from sitegen.publish_file import FilePublisher
from sitegen.publish_s3 import S3Publisher
from tests.fixtures.auth import settings_for

SITE = "harbor-0123abcd"
FIRST = {
    "index.html": b"<html>Home v1</html>",
    "projects/a.html": b"<html>A v1</html>",
    "projects/b.html": b"<html>B v1</html>",
    "assets/portal.css": b"body { color: #111; }",
    "sitemap.xml.gz": b"\x1f\x8b sitemap",
}
SECOND = {**{path: body for path, body in FIRST.items() if path != "projects/b.html"},
          "projects/a.html": b"<html>A v2</html>", "projects/c.html": b"<html>C</html>"}


def write_site(folder: Path, files: dict[str, bytes]) -> Path:
    """Write a built site's files under `folder`."""
    for path, content in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return folder


def _live(root: Path, site_path: str = SITE) -> dict[str, bytes]:
    address = root / site_path
    return {p.relative_to(address).as_posix(): p.read_bytes() for p in address.rglob("*") if p.is_file()}


@pytest.fixture
def publisher(tmp_path: Path) -> FilePublisher:
    chosen = publisher_for((tmp_path / "sites").as_uri(), settings_for("sqlite+aiosqlite://", tmp_path))
    assert isinstance(chosen, FilePublisher)
    return chosen


@pytest.mark.parametrize(("path", "content_type"), [
    ("index.html", "text/html; charset=utf-8"), ("a/portal.css", "text/css; charset=utf-8"),
    ("app.js", "text/javascript; charset=utf-8"), ("chart.svg", "image/svg+xml"), ("logo.PNG", "image/png"),
    ("photo.jpg", "image/jpeg"), ("photo.webp", "image/webp"), ("favicon.ico", "image/x-icon"),
    ("sitemap.xml", "application/xml"), ("data.json", "application/json"), ("robots.txt", "text/plain; charset=utf-8"),
    ("font.woff2", "font/woff2"), ("sitemap.xml.gz", "application/gzip"), ("report.pdf", "application/pdf"),
    ("archive.bin", "application/octet-stream"), ("LICENSE", "application/octet-stream"),
])
def test_content_types_come_from_an_explicit_map(path: str, content_type: str) -> None:
    assert content_type_for(path) == content_type


@pytest.mark.parametrize(("path", "cache_control"), [
    ("index.html", "no-cache"), ("projects/p-0123abcd.html", "no-cache"),
    ("assets/portal.3f2a9c1b.css", "max-age=31536000, immutable"),
    ("img/chart-3f2a9c1b8d.svg", "max-age=31536000, immutable"),
    ("assets/portal.css", "max-age=300"), ("sitemap.xml.gz", "max-age=300"), ("img/cafe.svg", "max-age=300"),
])
def test_cache_control_revalidates_pages_and_keeps_hashed_files_for_a_year(path: str, cache_control: str) -> None:
    assert cache_control_for(path) == cache_control


def test_publisher_for_knows_folders_and_buckets_and_refuses_anything_else(tmp_path: Path) -> None:
    settings = settings_for("sqlite+aiosqlite://", tmp_path, s3_endpoint_url="http://127.0.0.1:9000",
                            s3_access_key_id="minio", s3_secret_access_key="minio-secret", s3_region="eu-west-1")
    s3 = publisher_for("s3://rapport-sites/client-sites/", settings)
    assert isinstance(s3, S3Publisher) and (s3.bucket, s3.prefix) == ("rapport-sites", "client-sites")
    config = s3.client.meta.config
    assert config.s3["addressing_style"] == "path" and config.retries["mode"] == "standard"
    assert config.request_checksum_calculation == "when_required" == config.response_checksum_validation
    assert s3.client.meta.endpoint_url == "http://127.0.0.1:9000" and s3.client.meta.region_name == "eu-west-1"
    aws = publisher_for("s3://rapport-sites", settings_for("sqlite+aiosqlite://", tmp_path))
    assert isinstance(aws, S3Publisher) and aws.prefix == "" and not (aws.client.meta.config.s3 or {})

    for target, reason in [("ftp://example.com/sites", "unsupported publish target"), ("s3:///sites", "no bucket")]:
        with pytest.raises(PublishTargetError, match=reason) as error:
            publisher_for(target, settings)
        assert "\n" not in str(error.value)


def test_counts_follow_the_previous_release(publisher: FilePublisher, tmp_path: Path) -> None:
    first = publisher.publish(write_site(tmp_path / "v1", FIRST), SITE)
    assert (first.uploaded, first.deleted, first.unchanged) == (5, 0, 0)
    assert first.bytes_uploaded == sum(len(body) for body in FIRST.values())

    again = publisher.publish(tmp_path / "v1", SITE)
    assert (again.uploaded, again.deleted, again.unchanged, again.bytes_uploaded) == (0, 0, 5, 0)

    second = publisher.publish(write_site(tmp_path / "v2", SECOND), SITE)
    assert (second.uploaded, second.deleted, second.unchanged) == (2, 1, 3)
    assert second.bytes_uploaded == len(SECOND["projects/a.html"]) + len(SECOND["projects/c.html"])
    assert _live(publisher.root) == SECOND
    manifest = publisher.root / ".manifests" / f"{SITE}.json"
    assert Manifest.from_json(manifest.read_bytes()) == Manifest.of_folder(tmp_path / "v2")
    assert len(list((publisher.root / ".releases").iterdir())) == 1  # the old release is gone


def test_the_address_switches_in_one_step_to_a_complete_release(
    publisher: FilePublisher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher.publish(write_site(tmp_path / "v1", FIRST), SITE)
    address, switched_to = publisher.root / SITE, []
    real_replace = os.replace

    def watch_switch(source: Path, destination: Path) -> None:
        if Path(destination) == address:
            switched_to.append(Manifest.of_folder(Path(source).resolve()))
        real_replace(source, destination)

    monkeypatch.setattr(publish_file.os, "replace", watch_switch)
    publisher.publish(write_site(tmp_path / "v2", SECOND), SITE)

    assert switched_to == [Manifest.of_folder(tmp_path / "v2")]
    assert address.is_symlink() and _live(publisher.root) == SECOND


def test_a_failed_copy_leaves_the_old_site_and_manifest_and_the_next_publish_completes(
    publisher: FilePublisher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher.publish(write_site(tmp_path / "v1", FIRST), SITE)
    manifest = (publisher.root / ".manifests" / f"{SITE}.json").read_bytes()

    def copy_half_then_fail(source: Path, destination: Path) -> None:
        Path(destination).mkdir(parents=True)
        shutil.copy(Path(source) / "index.html", Path(destination) / "index.html")
        raise OSError("disk full")

    monkeypatch.setattr(publish_file.shutil, "copytree", copy_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        publisher.publish(write_site(tmp_path / "v2", SECOND), SITE)
    assert _live(publisher.root) == FIRST
    assert (publisher.root / ".manifests" / f"{SITE}.json").read_bytes() == manifest
    assert [p.name for p in (publisher.root / ".releases").iterdir()] == [(publisher.root / SITE).resolve().name]

    monkeypatch.undo()
    publisher.publish(tmp_path / "v2", SITE)
    assert _live(publisher.root) == SECOND


def test_mass_deletion_is_refused_unless_allowed(publisher: FilePublisher, tmp_path: Path) -> None:
    publisher.publish(write_site(tmp_path / "v1", FIRST), SITE)
    only_home = write_site(tmp_path / "v2", {"index.html": b"<html>Home</html>"})

    with pytest.raises(MassDeletionError, match=f"refusing to delete 4 of 5 files of site {SITE}"):
        publisher.publish(only_home, SITE)
    assert _live(publisher.root) == FIRST

    forced = FilePublisher(publisher.root, max_delete_share=1.0).publish(only_home, SITE)
    assert (forced.uploaded, forced.deleted, forced.unchanged) == (1, 4, 0)
    assert _live(publisher.root) == {"index.html": b"<html>Home</html>"}


def test_remove_takes_down_one_site_with_its_releases_and_manifest(publisher: FilePublisher, tmp_path: Path) -> None:
    site = write_site(tmp_path / "v1", FIRST)
    publisher.publish(site, SITE)
    publisher.publish(site, "parks-4567cdef")

    assert publisher.remove(SITE) == 5

    root = publisher.root
    assert not (root / SITE).exists() and not (root / ".manifests" / f"{SITE}.json").exists()
    assert [p.name for p in (root / ".releases").iterdir()] == [(root / "parks-4567cdef").resolve().name]
    assert _live(root, "parks-4567cdef") == FIRST
    assert publisher.remove(SITE) == 0
