from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
import yaml

from sitegen import render
from sitegen.render import SiteOptions, render_site_project
from tests.sitegen.snapshots import (
    EPOCH,
    TRANSIT_PROJECTS,
    client_snapshot,
    project_node,
    transit_snapshot,
)

OPTIONS = SiteOptions(brand_name="Northwind PMO", accent_color="#1f5f8b", logo_url=None)


def _render(tmp_path: Path, snapshot: dict, name: str = "project") -> Path:
    project_dir = tmp_path / name
    render_site_project(snapshot, project_dir=project_dir, options=OPTIONS, build_epoch=EPOCH)
    return project_dir


def test_config_builds_a_private_flat_site_without_plugins(tmp_path):
    config = yaml.safe_load((_render(tmp_path, transit_snapshot()) / "mkdocs.yml").read_text())

    assert config["site_name"] == "Department of Transit Services"
    assert config["plugins"] == []
    assert config["use_directory_urls"] is False
    assert config["strict"] is True
    assert "site_url" not in config
    assert config["theme"]["brand_name"] == "Northwind PMO"
    assert config["theme"]["accent_color"] == "#1f5f8b"
    assert config["theme"]["client_name"] == "Department of Transit Services"
    assert config["theme"]["locale"] == "en"


def test_nav_lists_home_every_project_by_name_then_the_cx_pages(tmp_path):
    config = yaml.safe_load((_render(tmp_path, transit_snapshot()) / "mkdocs.yml").read_text())

    home, executive, projects, *cx_pages = config["nav"]
    assert (home, executive) == ({"Home": "index.md"}, {"Executive summary": "executive-summary.md"})
    entries = [next(iter(item.items())) for item in projects["Projects"]]
    expected = sorted((n["name"], f"projects/{n['code'].lower()}.md") for n in TRANSIT_PROJECTS)
    assert entries == expected
    assert cx_pages == [{"You said, we did": "you-said-we-did.md"}, {"Give feedback": "feedback.md"},
                        {"Contacts": "contacts.md"}]
    assert config["not_in_nav"] == "/reports/\n/performance/\n/search.md"


def test_writes_one_page_per_project_and_per_published_report(tmp_path):
    docs = _render(tmp_path, transit_snapshot()) / "docs"

    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    reports = ["reports/trn-101-2025-01-31.md", "reports/trn-101-2025-02-28.md", "reports/trn-101-2025-03-31.md"]
    projects = [f"projects/{n['code'].lower()}.md" for n in TRANSIT_PROJECTS]
    assert pages == sorted(["index.md", "executive-summary.md", "you-said-we-did.md", "feedback.md", "contacts.md",
                            "search.md", *projects, *reports])


@pytest.fixture
def theme_lookup() -> Iterator[None]:
    """A fresh look at the installed themes, which render otherwise reads once per process."""
    render._portal_theme_registered.cache_clear()
    yield
    render._portal_theme_registered.cache_clear()


@pytest.mark.usefixtures("theme_lookup")
def test_theme_falls_back_to_the_package_directory_when_not_installed(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "entry_points", lambda group: [])
    theme = yaml.safe_load((_render(tmp_path, transit_snapshot()) / "mkdocs.yml").read_text())["theme"]

    assert theme["name"] is None
    assert Path(theme["custom_dir"]).is_absolute()
    assert (Path(theme["custom_dir"]) / "mkdocs_theme.yml").is_file()


@pytest.mark.usefixtures("theme_lookup")
def test_theme_is_named_when_the_entry_point_is_installed(tmp_path, monkeypatch):
    portal = EntryPoint(name="portal", value="portal_theme", group="mkdocs.themes")
    monkeypatch.setattr(render, "entry_points", lambda group: [portal])
    theme = yaml.safe_load((_render(tmp_path, transit_snapshot()) / "mkdocs.yml").read_text())["theme"]

    assert theme["name"] == "portal"
    assert "custom_dir" not in theme


def test_site_url_is_passed_through(tmp_path):
    options = SiteOptions(
        brand_name="PMO", accent_color="#1f5f8b", logo_url=None, site_url="https://status.example.org/t-abc/"
    )
    render_site_project(transit_snapshot(), project_dir=tmp_path / "p", options=options, build_epoch=EPOCH)

    assert yaml.safe_load((tmp_path / "p" / "mkdocs.yml").read_text())["site_url"] == options.site_url


def test_same_snapshot_renders_the_same_bytes(tmp_path):
    first = _render(tmp_path, transit_snapshot(), "first")
    reordered = transit_snapshot()
    reordered["client"]["projects"]["edges"].reverse()
    second = _render(tmp_path, reordered, "second")

    def contents(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert contents(first) == contents(second)


def test_markdown_in_data_stays_inside_raw_html(tmp_path):
    snapshot = client_snapshot([project_node("MD-1", "# Heading *stars*", summary="- item\n> quote\n\n    code block")])
    page = (_render(tmp_path, snapshot) / "docs" / "projects" / "md-1.md").read_text()

    body = page.split("---\n", 2)[2]
    assert all(line == "" or line.startswith("<") for line in body.splitlines())


def test_refuses_a_non_empty_project_dir(tmp_path):
    (tmp_path / "leftover.md").write_text("old")

    with pytest.raises(FileExistsError):
        render_site_project(transit_snapshot(), project_dir=tmp_path, options=OPTIONS, build_epoch=EPOCH)


def test_refuses_a_snapshot_missing_projects(tmp_path):
    snapshot = transit_snapshot()
    snapshot["client"]["projects"]["totalCount"] += 1

    with pytest.raises(ValueError, match="holds 7 of 8"):
        render_site_project(snapshot, project_dir=tmp_path / "p", options=OPTIONS, build_epoch=EPOCH)


@pytest.mark.parametrize(
    "field, value",
    [("status", "ARCHIVED"), ("phase", "DESIGN"), ("percentComplete", 101), ("health", {"overall": "BLUE"})],
)
def test_refuses_values_outside_the_schema(tmp_path, field, value):
    node = project_node("BAD-1", "Bad")
    node[field] = {**node["health"], **value} if field == "health" else value

    with pytest.raises(ValueError):
        render_site_project(client_snapshot([node]), project_dir=tmp_path / "p", options=OPTIONS, build_epoch=EPOCH)


def test_refuses_codes_that_share_a_page(tmp_path):
    snapshot = client_snapshot([project_node("ABC-1", "One"), project_node("abc 1", "Two")])

    with pytest.raises(ValueError, match="abc-1"):
        render_site_project(snapshot, project_dir=tmp_path / "p", options=OPTIONS, build_epoch=EPOCH)


@pytest.mark.parametrize("colour", ["red", "#1f5f8", "#1f5f8b; background: url(x)", "#88aaff", "#ffcc00"])
def test_site_options_reject_unusable_accent_colours(colour):
    with pytest.raises(ValueError):
        SiteOptions(brand_name="PMO", accent_color=colour, logo_url=None)


@pytest.mark.parametrize(
    "logo_url", ["https://cdn.example/logo.png", "//cdn.example/logo.png", "/logo.png", "javascript:alert(1)"]
)
def test_site_options_reject_remote_logos(logo_url):
    with pytest.raises(ValueError):
        SiteOptions(brand_name="PMO", accent_color="#1f5f8b", logo_url=logo_url)


@pytest.mark.parametrize("logo_url", ["assets/logo.svg", "data:image/svg+xml;base64,PHN2Zy8+"])
def test_site_options_accept_local_logos(logo_url):
    assert SiteOptions(brand_name="PMO", accent_color="#1f5f8b", logo_url=logo_url).logo_url == logo_url
