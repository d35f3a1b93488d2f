"""Publishing to S3 over real HTTP against moto's server: diffs, headers, ordering, conflicts and faults."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import posixpath
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto.server import ThreadedMotoServer
from sqlalchemy import select, update

from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from api.sites.headers import CONTENT_SECURITY_POLICY
from api.sites.models import BuildState, Site, SiteBuild
from sitegen import foreground, pipeline
from sitegen.manifest import Manifest, MassDeletionError
from sitegen.publish import ConcurrentPublishError, publisher_for
from sitegen.publish_s3 import S3Publisher, s3_client
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import make_client, make_project

SITE = "harbor-0123abcd"
MANIFEST = f"sites/_manifests/{SITE}.json"
ASSET_REF = re.compile(r'(?:href|src)="([^"]+)"')


def _page(body: str, root: str = "", extra: str = "") -> bytes:
    return f'<html><link rel="stylesheet" href="{root}assets/portal.css"><body>{body}{extra}</body></html>'.encode()


FIRST = {
    "index.html": _page("Home v1", extra='<img src="img/logo.svg"><script src="assets/app.3f2a9c1b.js"></script>'),
    "projects/a.html": _page("Project A v1", root="../"),
    "projects/b.html": _page("Project B v1", root="../"),
    "assets/portal.css": b"body { color: #111; }",
    "assets/app.3f2a9c1b.js": b"console.log(1);",
    "img/logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "sitemap.xml": b"<urlset/>",
    "sitemap.xml.gz": gzip.compress(b"<urlset/>", mtime=0),
}
SECOND = {  # a new script, a restyled stylesheet, a changed page, a new page with a new chart, page b gone
    **{path: content for path, content in FIRST.items() if path != "projects/b.html"},
    "index.html": _page("Home v2", extra='<img src="img/logo.svg"><script src="assets/app.9e8d7c6b.js"></script>'),
    "assets/app.9e8d7c6b.js": b"console.log(2);",
    "assets/portal.css": b"body { color: #222; }",
    "projects/a.html": _page("Project A v2", root="../"),
    "projects/c.html": _page("Project C", root="../", extra='<img src="chart-c.svg">'),
    "projects/chart-c.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><title>C</title></svg>",  # sorts after pages
}


def write_site(folder: Path, files: dict[str, bytes]) -> Path:
    """Write a built site's files under `folder`."""
    for path, content in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return folder


@dataclass
class Store:
    """One bucket on the test server, the settings that reach it and a separate client to inspect it."""

    settings: Settings
    bucket: str
    target: str
    client: Any

    def publisher(self, **overrides: object) -> S3Publisher:
        publisher = publisher_for(self.target, self.settings.model_copy(update=overrides))
        assert isinstance(publisher, S3Publisher)
        return publisher

    def objects(self) -> dict[str, bytes]:
        listing = self.client.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {item["Key"]: self.client.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
                for item in listing}

    def files(self, site_path: str = SITE) -> dict[str, bytes]:
        prefix = f"sites/{site_path}/"
        return {key[len(prefix):]: body for key, body in self.objects().items() if key.startswith(prefix)}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def store(s3_endpoint: str, tmp_path: Path) -> Store:
    settings = settings_for("sqlite+aiosqlite://", tmp_path, s3_endpoint_url=s3_endpoint,
                            s3_access_key_id="testing", s3_secret_access_key="testing")
    bucket = f"sites-{uuid.uuid4().hex[:12]}"
    client = s3_client(settings)
    client.create_bucket(Bucket=bucket)
    return Store(settings=settings, bucket=bucket, target=f"s3://{bucket}/sites", client=client)


def _record_puts(publisher: S3Publisher) -> list[str]:
    keys: list[str] = []

    def record(params: dict[str, Any], **_: object) -> None:
        keys.append(params["url_path"].lstrip("/"))  # list.append is atomic: uploads run in threads

    publisher.client.meta.events.register("before-call.s3.PutObject", record)
    return keys


def test_content_types_and_cache_headers(store: Store, tmp_path: Path) -> None:
    result = store.publisher().publish(write_site(tmp_path / "v1", FIRST), SITE)

    assert (result.uploaded, result.deleted, result.unchanged) == (8, 0, 0)
    assert result.bytes_uploaded == sum(len(body) for body in FIRST.values())
    expected = {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "assets/portal.css": ("text/css; charset=utf-8", "max-age=300"),
        "img/logo.svg": ("image/svg+xml", "max-age=300"),
        "sitemap.xml.gz": ("application/gzip", "max-age=300"),
        "assets/app.3f2a9c1b.js": ("text/javascript; charset=utf-8", "max-age=31536000, immutable"),
    }
    for path, (content_type, cache_control) in expected.items():
        head = store.client.head_object(Bucket=store.bucket, Key=f"sites/{SITE}/{path}")
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), path
        assert "ContentEncoding" not in head, path
        page_metadata = {"content-security-policy": CONTENT_SECURITY_POLICY} if path.endswith(".html") else {}
        assert head["Metadata"] == page_metadata, path
    assert store.files() == FIRST
    assert Manifest.from_json(store.objects()[MANIFEST]) == Manifest.of_folder(tmp_path / "v1")


def test_second_publish_without_change_uploads_nothing(store: Store, tmp_path: Path) -> None:
    site = write_site(tmp_path / "v1", FIRST)
    store.publisher().publish(site, SITE)
    again = store.publisher()
    puts = _record_puts(again)

    result = again.publish(site, SITE)

    assert puts == [] and (result.uploaded, result.deleted, result.unchanged, result.bytes_uploaded) == (0, 0, 8, 0)


def test_a_changed_page_uploads_only_that_file_and_deletes_what_is_gone(store: Store, tmp_path: Path) -> None:
    store.publisher().publish(write_site(tmp_path / "v1", FIRST), SITE)
    changed = {path: content for path, content in FIRST.items() if path != "projects/b.html"}
    changed["projects/a.html"] = _page("Project A, revised", root="../")
    publisher = store.publisher()
    puts = _record_puts(publisher)

    result = publisher.publish(write_site(tmp_path / "v2", changed), SITE)

    assert puts == [f"sites/{SITE}/projects/a.html", MANIFEST]
    assert (result.uploaded, result.deleted, result.unchanged) == (1, 1, 6)
    assert store.files() == changed


def test_pages_are_uploaded_after_every_other_file_and_the_manifest_last(store: Store, tmp_path: Path) -> None:
    store.publisher().publish(write_site(tmp_path / "v1", FIRST), SITE)
    publisher = store.publisher()
    puts = _record_puts(publisher)

    publisher.publish(write_site(tmp_path / "v2", SECOND), SITE)

    pages = [i for i, key in enumerate(puts) if key.endswith(".html")]
    others = [i for i, key in enumerate(puts[:-1]) if not key.endswith(".html")]
    assert len(pages) == 3 and len(others) == 3 and max(others) < min(pages)
    assert puts[-1] == MANIFEST


def test_mass_deletion_is_refused_unless_allowed(store: Store, tmp_path: Path) -> None:
    store.publisher().publish(write_site(tmp_path / "v1", FIRST), SITE)
    before = store.objects()
    only_home = write_site(tmp_path / "v2", {"index.html": b"<html>Home</html>"})

    with pytest.raises(MassDeletionError, match="refusing to delete 7 of 8 files"):
        store.publisher().publish(only_home, SITE)
    assert store.objects() == before

    result = store.publisher(publish_max_delete_share=1.0).publish(only_home, SITE)
    assert (result.uploaded, result.deleted) == (1, 7)
    assert store.files() == {"index.html": b"<html>Home</html>"}


def test_a_concurrent_publisher_is_detected_and_nothing_is_deleted(store: Store, tmp_path: Path) -> None:
    store.publisher().publish(write_site(tmp_path / "v1", FIRST), SITE)
    rival_manifest = Manifest.of_folder(write_site(tmp_path / "rival", {"index.html": b"rival"})).to_json()
    publisher = store.publisher()

    def rival_writes_first(params: dict[str, Any], **_: object) -> None:
        if params["url_path"].endswith(MANIFEST):
            store.client.put_object(Bucket=store.bucket, Key=MANIFEST, Body=rival_manifest)

    publisher.client.meta.events.register("before-call.s3.PutObject", rival_writes_first)
    with pytest.raises(ConcurrentPublishError, match=SITE):
        publisher.publish(write_site(tmp_path / "v2", SECOND), SITE)

    assert "projects/b.html" in store.files() and store.objects()[MANIFEST] == rival_manifest
    store.publisher().publish(tmp_path / "v2", SITE)
    assert store.files() == SECOND


@pytest.mark.parametrize("successful_puts", [0, 2, 4, 6])
def test_a_publish_failing_midway_leaves_complete_pages_and_the_next_one_finishes(
    store: Store, tmp_path: Path, successful_puts: int
) -> None:
    store.publisher().publish(write_site(tmp_path / "v1", FIRST), SITE)
    manifest_before = store.objects()[MANIFEST]
    publisher = store.publisher()
    calls = itertools.count(1)

    def fail_after_n(**_: object) -> None:
        if next(calls) > successful_puts:  # next() on a count is atomic: uploads run in threads
            raise ConnectionResetError("store unavailable")

    publisher.client.meta.events.register("before-call.s3.PutObject", fail_after_n)
    with pytest.raises(ConnectionResetError):
        publisher.publish(write_site(tmp_path / "v2", SECOND), SITE)

    live = store.files()
    assert FIRST.keys() <= live.keys()  # nothing deleted
    assert all(body in (FIRST.get(path), SECOND.get(path)) for path, body in live.items())
    for path, body in live.items():
        if path.endswith(".html"):
            for ref in ASSET_REF.findall(body.decode()):
                assert posixpath.normpath(posixpath.join(posixpath.dirname(path), ref)) in live, (path, ref)
    assert store.objects()[MANIFEST] == manifest_before

    store.publisher().publish(tmp_path / "v2", SITE)
    assert store.files() == SECOND
    assert Manifest.from_json(store.objects()[MANIFEST]) == Manifest.of_folder(tmp_path / "v2")


def test_a_transient_503_is_retried(store: Store, tmp_path: Path) -> None:
    publisher = store.publisher()
    sent: list[str] = []

    class ErrorBody:
        def stream(self, **_: object) -> Iterator[bytes]:
            yield b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"

    def unavailable_once(request: Any, **_: object) -> AWSResponse | None:
        sent.append(request.url)
        if len(sent) == 1:
            return AWSResponse(request.url, 503, {}, ErrorBody())
        return None

    publisher.client.meta.events.register("before-send.s3.PutObject", unavailable_once)
    result = publisher.publish(write_site(tmp_path / "v1", {"index.html": b"<html>Home</html>"}), SITE)

    assert result.uploaded == 1 and len(sent) == 3 and sent[0] == sent[1]  # page (failed, retried), manifest
    assert store.files() == {"index.html": b"<html>Home</html>"}


def test_remove_deletes_a_site_and_its_manifest_only(store: Store, tmp_path: Path) -> None:
    site = write_site(tmp_path / "v1", FIRST)
    publisher = store.publisher()
    publisher.publish(site, SITE)
    publisher.publish(site, "parks-4567cdef")

    assert publisher.remove(SITE) == 8

    keys = set(store.objects())
    assert not any(SITE in key for key in keys)
    assert "sites/_manifests/parks-4567cdef.json" in keys and "sites/parks-4567cdef/index.html" in keys
    assert publisher.remove(SITE) == 0


async def _publish_then_rotate(url: str, settings: Settings, store: Store) -> tuple[
        list[pipeline.BuildOutcome], list[dict[str, bytes]], list[SiteBuild]]:
    """Publish two clients, publish them again by force, then rotate harbor's key and publish harbor."""
    engine = create_engine(url)
    factory = create_session_factory(engine)
    published: list[dict[str, bytes]] = []
    try:
        async with factory() as session:
            harbor = await make_client(session, slug="harbor", name="Harbor Authority")
            parks = await make_client(session, slug="parks", name="Parks Department")
            await make_project(session, client=harbor, code="HB-1", name="Dredging Permits Portal")
            await make_project(session, client=parks, code="PK-1", name="Trail Sensor Network")
            await session.commit()
        outcomes = await foreground.build_sites(factory, settings=settings,
                                              on_done=lambda outcome: published.append(store.files(outcome.site_path)))
        outcomes += await foreground.build_sites(factory, settings=settings, force=True)
        async with factory() as session:
            await session.execute(update(Site).where(Site.client_id == harbor.id).values(site_key="rotated"))
            await session.commit()
        outcomes += await foreground.build_sites(factory, settings=settings, slugs=["harbor"])
        async with factory() as session:
            return outcomes, published, list(await session.scalars(select(SiteBuild).order_by(SiteBuild.id)))
    finally:
        await engine.dispose()


def test_a_pipeline_run_publishes_every_clients_site_to_s3(fresh_database_url: str, store: Store) -> None:
    upgrade_database(fresh_database_url)
    settings = store.settings.model_copy(update={"database_url": fresh_database_url, "publish_target": store.target})

    outcomes, published, builds = asyncio.run(_publish_then_rotate(fresh_database_url, settings, store))

    assert [o.slug for o in outcomes] == ["harbor", "parks"] * 2 + ["harbor"]
    assert {o.state for o in outcomes} == {BuildState.PUBLISHED}
    assert b"Dredging Permits Portal" in published[0]["index.html"]
    assert b"Trail Sensor Network" in published[1]["index.html"]
    for files, first, forced in zip(published, builds[:2], builds[2:4], strict=True):
        assert (first.files_uploaded, first.files_deleted, first.files_unchanged) == (len(files), 0, 0)
        assert first.bytes_uploaded == sum(len(body) for body in files.values())
        assert (forced.files_uploaded, forced.files_deleted, forced.files_unchanged) == (0, 0, len(files))
    old_harbor, moved_harbor, parks = outcomes[0].site_path, outcomes[4].site_path, outcomes[1].site_path
    assert moved_harbor == "harbor-rotated" and "index.html" in store.files(moved_harbor)
    assert not any(old_harbor in key for key in store.objects())
    assert store.files(parks) == published[1] and f"sites/_manifests/{parks}.json" in store.objects()
