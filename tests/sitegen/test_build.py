from __future__ import annotations

import hashlib
import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import portal_theme
from tests.sitegen.snapshots import (
    HOSTILE_NAME,
    TRANSIT_PROJECTS,
    built_site,
    hostile_snapshot,
    transit_snapshot,
)

THEME_SCRIPTS = '<script src="search-index.js"></script>\n  <script src="assets/javascripts/search.js"></script>'


class _PageScan(HTMLParser):
    """Collects the tags, attributes and text of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _hashes(site_dir: Path) -> dict[str, str]:
    return {
        p.relative_to(site_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site_dir.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def transit_site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory, transit_snapshot())


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory, hostile_snapshot())


def test_home_lists_every_project_with_health_and_progress(transit_site):
    home = (transit_site / "index.html").read_text()
    entries = re.findall(r'<li class="project-card">.*?</li>|<tr>.*?</tr>', home, flags=re.DOTALL)

    for node in TRANSIT_PROJECTS:
        link = f'href="projects/{node["code"].lower()}.html"'
        [entry] = [e for e in entries if link in e]
        words = _text(entry).split()
        assert html.escape(node["name"]) in entry
        assert node["health"]["overall"] in words
        assert f"{node['percentComplete']}%" in words


def test_nav_shows_every_project_with_its_health(transit_site):
    page = (transit_site / "projects" / "trn-104.html").read_text()
    nav = re.search(r"<nav .*?</nav>", page, flags=re.DOTALL).group(0)
    items = [_text(item) for item in re.findall(r'<li class="site-nav__item">.*?</li>', nav, flags=re.DOTALL)]
    markers = {"GREEN": "●", "AMBER": "▲", "RED": "■"}

    expected = sorted(TRANSIT_PROJECTS, key=lambda node: node["name"])
    assert items == ["Home", "Executive summary"] + [
        f"{node['name']} {markers[node['health']['overall']]} {node['health']['overall']}" for node in expected
    ] + ["You said, we did", "Give feedback", "Contacts"]
    assert 'href="trn-104.html" aria-current="page"' in nav


def test_home_counts_open_projects_by_overall_health(transit_site):
    home = (transit_site / "index.html").read_text()
    summary = re.search(r'<ul class="health-summary".*?</ul>', home, flags=re.DOTALL).group(0)

    assert _text(summary).split() == ["2", "●", "GREEN", "2", "▲", "AMBER", "1", "■", "RED"]


def test_project_page_has_the_health_breakdown(transit_site):
    page = (transit_site / "projects" / "trn-101.html").read_text()
    table = re.search(r'<table class="health-table".*?</table>', page, flags=re.DOTALL).group(0)
    rows = [_text(row).split() for row in re.findall(r"<tr>.*?</tr>", table, flags=re.DOTALL)]

    assert rows[1:] == [
        ["Overall", "▲", "AMBER"],
        ["Schedule", "▲", "AMBER"],
        ["Cost", "●", "GREEN"],
        ["Scope", "▲", "AMBER"],
        ["Quality", "●", "GREEN"],
    ]
    assert "6 January 2025 to 30 June 2026" in _text(page)
    assert "Execution" in _text(page)


def test_data_is_escaped_never_markup(hostile_site):
    pages = {p.name: p.read_text() for p in hostile_site.rglob("*.html")}

    assert set(pages) == {"index.html", "executive-summary.html", "xss-1.html", "md-2.html", "xss-1-2025-01-31.html",
                          "you-said-we-did.html", "feedback.html", "contacts.html", "search.html"}
    for name, page in pages.items():
        assert html.escape(HOSTILE_NAME, quote=False) in page, name
        page = page.replace(THEME_SCRIPTS, "") if name == "search.html" else page
        assert not re.search(r"<(script|strong|em|b|i|img|code)\b", page), name
        hrefs = [a["href"] for a in _PageScan(page).find("a")]
        assert not [h for h in hrefs if "evil.example" in h or h.startswith("javascript:")], name
    for name in ("xss-1.html", "xss-1-2025-01-31.html", "you-said-we-did.html"):
        assert "**bold** [click](javascript:alert(2))" in pages[name], name


@pytest.mark.parametrize("site", ["transit_site", "hostile_site"])
def test_every_page_is_private_accessible_and_self_contained(site, request):
    pages = sorted(request.getfixturevalue(site).rglob("*.html"))
    assert pages

    for path in pages:
        scan = _PageScan(path.read_text())
        assert scan.find("meta", name="robots", content="noindex, nofollow"), path
        assert scan.find("meta", name="referrer", content="no-referrer"), path
        assert scan.find("html", lang="en"), path
        assert scan.find("a", href="#content", **{"class": "skip-link"}), path
        assert [len(scan.find(tag)) for tag in ("header", "nav", "main", "footer")] == [1, 1, 1, 1], path
        assert scan.find("main", id="content"), path
        urls = [a[key] for _, a in scan.tags for key in ("src", "href") if key in a]
        assert urls, path
        # mailto: and tel: links (contacts) load nothing; any other scheme or host would.
        elsewhere = [u for u in urls if re.match(r"(?i)([a-z][a-z0-9+.-]*:|//)", u)]
        assert not [u for u in elsewhere if not re.match(r"(mailto|tel):[^/]", u)], path


def test_two_builds_give_identical_bytes(tmp_path_factory, transit_site):
    again = built_site(tmp_path_factory, transit_snapshot())

    hashes = _hashes(again)
    assert {"index.html", "sitemap.xml", "sitemap.xml.gz", "assets/stylesheets/portal.css"} <= set(hashes)
    assert hashes == _hashes(transit_site)


def test_build_epoch_dates_the_site_and_the_environment_is_restored(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    site = built_site(tmp_path_factory, transit_snapshot(), epoch=1700000000)

    assert '<time datetime="2023-11-14">14 November 2023</time>' in (site / "index.html").read_text()
    assert os.environ["SOURCE_DATE_EPOCH"] == "86400"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    built_site(tmp_path_factory, transit_snapshot())
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_theme_loads_nothing_from_elsewhere():
    theme_dir = Path(portal_theme.__file__).parent
    files = [p for p in theme_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {"base.html", "main.html", "mkdocs_theme.yml", "portal.css"} <= {p.name for p in files}

    for path in files:
        # An SVG file must name its XML namespace; a namespace name is an identifier, never fetched.
        text = path.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "://" not in text, path
        # The only scripts are the theme's own files, addressed through the site-relative `url` filter.
        text = re.sub(r"<script src=\"\{\{ '[a-z/.-]+'\|url\|e \}\}\"></script>", "", text)
        assert not re.search(r"<script|@import|@font-face|(src|href)=[\"']//|url\(", text), path


def test_every_value_the_theme_writes_is_escaped_even_outside_rapports_builds():
    # Rapport's builds also turn on autoescaping (sitegen/build_plugin.py); the theme must not depend on it.
    theme_dir = Path(portal_theme.__file__).parent
    for path in theme_dir.rglob("*.html"):
        for expression in re.findall(r"\{\{(.*?)\}\}", path.read_text(), flags=re.DOTALL):
            assert expression.strip().endswith("|e") or expression.strip() == "page.content|safe", (path, expression)


def test_print_stylesheet_is_a4_without_site_chrome():
    css = (Path(portal_theme.__file__).parent / "assets" / "stylesheets" / "portal.css").read_text()
    print_rules = css[css.index("@media print") :]

    assert "size: A4" in print_rules
    hidden = re.search(r"([^{}]+)\{\s*display: none !important;", print_rules).group(1)
    assert {".site-header", ".site-nav", ".site-footer"} <= {s.strip() for s in hidden.split(",")}
