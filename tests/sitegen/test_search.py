"""Offline site search: the index written at build time, the no-script page list, and the script in Chromium."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from sitegen.pages.search import INDEX_GLOBAL
from tests.sitegen.snapshots import HOSTILE_NAME, built_site, hostile_snapshot, transit_snapshot

CHROMIUM = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory, transit_snapshot())


def _index(site: Path) -> list[dict]:
    script = (site / "search-index.js").read_text(encoding="ascii")
    prefix = f"window.{INDEX_GLOBAL} = "
    assert script.startswith(prefix) and script.endswith(";\n")
    return json.loads(script[len(prefix):-2])


def _search(site: Path, query: str) -> str:
    """search.html?q=query opened from the folder (no server, nothing online), as Chromium leaves the page."""
    url = f"{(site / 'search.html').as_uri()}?q={quote(query)}"
    return subprocess.run([*CHROMIUM, "--dump-dom", url], capture_output=True, text=True, timeout=120,
                          check=True).stdout


def _results(dom: str) -> list[str]:
    found = re.search(r'<ol id="search-results"[^>]*>(.*?)</ol>', dom, flags=re.DOTALL).group(1)
    return re.findall(r'<li><a href="([^"]+)">', found)


def _status(dom: str) -> str:
    return re.search(r'<p id="search-status"[^>]*>(.*?)</p>', dom, flags=re.DOTALL).group(1)


def test_the_index_holds_every_page_but_the_search_page_as_plain_text(site):
    entries = _index(site)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"search.html"}

    assert [entry["url"] for entry in entries] == sorted(pages)
    titles = {entry["url"]: entry["title"] for entry in entries}
    assert titles["projects/trn-101.html"] == "Fare Collection Modernisation"
    assert titles["reports/trn-101-2025-02-28.html"] == "February status · Fare Collection Modernisation"
    assert titles["contacts.html"] == "Contacts"
    assert all("<" not in entry["text"] and entry["text"] for entry in entries)
    fare = next(entry for entry in entries if entry["url"] == "projects/trn-101.html")
    assert "Two stations wait on replacement gate cabinets." in fare["text"]


def test_without_scripts_the_search_page_lists_every_page(site):
    page = (site / "search.html").read_text()
    listed = re.findall(r'<li><a href="([^"]+)">', re.search(r'<ul class="page-list".*?</ul>', page,
                                                               flags=re.DOTALL).group(0))

    assert sorted(listed) == sorted(entry["url"] for entry in _index(site)) and listed[0] == "index.html"
    assert "<noscript>" in page
    header_form = re.search(r'<form class="site-search" action="([^"]+)" method="get"', page)
    assert header_form and header_form.group(1) == "search.html"


def test_the_search_page_is_the_only_page_with_scripts(site):
    with_scripts = sorted(p.name for p in site.rglob("*.html") if "<script" in p.read_text())

    assert with_scripts == ["search.html"]


def test_search_runs_offline_in_chromium_and_ranks_title_matches_first(site):
    dom = _search(site, "cabinet")
    assert _results(dom) == ["projects/trn-101.html", "reports/trn-101-2025-02-28.html"]
    assert _status(dom) == "2 pages match “cabinet”."

    titled = _results(_search(site, "bus depot"))
    assert titled[0] == "projects/trn-104.html"
    # every word must match; case does not matter; the title match ranks the report first
    assert _results(_search(site, "FEBRUARY cabinet")) == ["reports/trn-101-2025-02-28.html", "projects/trn-101.html"]


def test_a_query_with_no_match_or_markup_shows_as_text(site):
    dom = _search(site, '<img src=x onerror="document.title=1">')

    assert _status(dom) == "No page matches “&lt;img src=x onerror=\"document.title=1\"&gt;”."
    assert "<img" not in dom and _results(dom) == []


def test_hostile_data_is_indexed_and_shown_as_text_only(tmp_path_factory):
    site = built_site(tmp_path_factory, hostile_snapshot())
    assert "projects/xss-1.html" in [entry["url"] for entry in _index(site) if HOSTILE_NAME in entry["title"]]

    dom = _search(site, "alert")
    assert "projects/xss-1.html" in _results(dom)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert" not in dom
