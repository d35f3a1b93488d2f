"""The build plugin changes how fast a site is built, never a byte of it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.utils import meta

from sitegen.build import build_mkdocs_site
from sitegen.build_plugin import MKDOCS_EXTENSIONS, raw_html_page
from sitegen.render import SiteOptions, render_site_project
from tests.sitegen.snapshots import (
    client_snapshot,
    hostile_snapshot,
    project_node,
    report,
    risk,
    transit_snapshot,
)

EPOCH = 1767225600
OPTIONS = SiteOptions(brand_name="Northwind PMO", accent_color="#1f5f8b", logo_url=None,
                      feedback_links={"KICKOFF": "https://api.example/s/kickoff"})
AWKWARD = "Tabs\tand\r\nline ends \x02wzxhzdk:0\x03\n\n```\nnot code\n```\n~~~"


def awkward_snapshot() -> dict:
    """Data with tabs, carriage returns, Markdown's own placeholder characters and code fences."""
    node = project_node("AWK-1", "Tabs\there", summary=AWKWARD,
                        risks=[risk("Fence\n```\ninside", description=AWKWARD, mitigation="\tindented")],
                        reports=[report("Line\r\nends", start="2025-01-01", end="2025-01-31", percent=5,
                                        summary=AWKWARD, issues="    four spaces")])
    return client_snapshot([node], name="Tab\tClient")


SNAPSHOTS = {"transit": transit_snapshot, "hostile": hostile_snapshot, "awkward": awkward_snapshot}


def _hashes(site_dir: Path) -> dict[str, str]:
    return {path.relative_to(site_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in site_dir.rglob("*") if path.is_file()}


def _plain_mkdocs_build(project_dir: Path, site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    config = load_config(config_file=str(project_dir / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_a_site_built_with_the_plugin_is_byte_for_byte_what_plain_mkdocs_builds(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_dir = tmp_path / "project"
    render_site_project(SNAPSHOTS[name](), project_dir=project_dir, options=OPTIONS, build_epoch=EPOCH)
    build_mkdocs_site(project_dir=project_dir, site_dir=tmp_path / "ours", build_epoch=EPOCH)
    build_mkdocs_site(project_dir=project_dir, site_dir=tmp_path / "ours-again", build_epoch=EPOCH)  # cached templates
    _plain_mkdocs_build(project_dir, tmp_path / "plain", monkeypatch)

    ours = _hashes(tmp_path / "ours")
    assert len([path for path in ours if path.endswith(".html")]) >= 5
    assert ours == _hashes(tmp_path / "plain") == _hashes(tmp_path / "ours-again")


def _pages(snapshot: dict, folder: Path) -> dict[str, str]:
    render_site_project(snapshot, project_dir=folder, options=OPTIONS, build_epoch=EPOCH)
    return {path.name: meta.get_data(path.read_text(encoding="utf-8"))[0] for path in folder.rglob("*.md")}


@pytest.mark.parametrize("name", ["transit", "hostile"])
def test_every_page_sitegen_writes_skips_markdown_and_gets_markdowns_output(name: str, tmp_path: Path) -> None:
    pages = _pages(SNAPSHOTS[name](), tmp_path)

    assert len(pages) >= 6
    for page_name, source in pages.items():
        passed = raw_html_page(source)
        assert passed is not None, page_name
        assert passed == markdown.markdown(source, extensions=MKDOCS_EXTENSIONS), page_name


def test_a_code_fence_anywhere_in_a_page_leaves_it_to_markdown(tmp_path: Path) -> None:
    pages = _pages(awkward_snapshot(), tmp_path)

    assert raw_html_page(pages["awk-1.md"]) is None
    assert raw_html_page(pages["index.md"]) is not None


@pytest.mark.parametrize("source", [
    "<h1>Title</h1>\n\n<p>Tabs\tinside</p>",
    "<div class=\"a\">\n<div>nested</div>\n</div>",
    "<p>one</p>\n<p>after another</p>\n<div>\n<p>inside</p>\n</div>",
    "<ul>\n<li>one\n<li>two\n</ul>\n\n\n\n<p>far below</p>",
    "<p>carriage\r\nreturn</p>\r\n\r\n<dl><dt>a</dt><dd>b</dd></dl>",
])
def test_raw_html_blocks_come_out_as_markdown_writes_them(source: str) -> None:
    expected = markdown.markdown(source, extensions=MKDOCS_EXTENSIONS)
    passed = raw_html_page(source)

    assert passed is None or passed == expected
    if "\n\n\n" not in source:
        assert passed == expected


@pytest.mark.parametrize("source", [
    "# A Markdown heading",
    "<p>closed early</p> and a tail",
    "<div>one</div><div>two on one line</div>",
    "<span>inline first</span>",
    "<p>unclosed",
    "<pre>  kept as text  </pre>",
    "<hr>",
    "<p>a</p>\n\n    <p>indented: a code block</p>",
    "<div>\n```\nfenced\n```\n</div>",
    "",
])
def test_anything_but_whole_raw_html_blocks_takes_the_markdown_path(source: str) -> None:
    assert raw_html_page(source) is None


_TEXT = st.text(alphabet=st.sampled_from(list("ab &<>\"'`*_#[]()\t\r\n~-=|\x02\x03")), max_size=12)
_ELEMENT = st.builds(
    lambda tag, inner, text, nested: (f"<{tag} class=\"x\">{escape(text)}" + (f"<{inner}>{escape(text)}</{inner}>"
                                      if nested else "") + f"</{tag}>"),
    st.sampled_from(["p", "div", "h2", "ul", "dl", "figure", "span", "pre"]),
    st.sampled_from(["span", "div", "p", "em", "a"]), _TEXT, st.booleans())
_PAGE = st.lists(st.tuples(_ELEMENT, st.sampled_from(["\n", "\n\n", "\n\n\n", " ", "\n\t"])), min_size=1,
                 max_size=6).map(lambda parts: "".join(element + gap for element, gap in parts))


@settings(max_examples=300, deadline=None)
@given(_PAGE)
def test_whenever_a_page_skips_markdown_it_gets_exactly_markdowns_output(source: str) -> None:
    passed = raw_html_page(source)
    assert passed is None or passed == markdown.markdown(source, extensions=MKDOCS_EXTENSIONS)
