"""The MkDocs plugin every site build runs with: our pages skip Markdown, theme templates compile once.

The pages in sitegen/pages/ are raw HTML blocks by design (so data can inject neither HTML nor
Markdown), and Python-Markdown gives such blocks back unchanged after parsing all their HTML
twice, which is most of a build's time. A page that is provably only such blocks goes through
as it is; anything else, or a build with Markdown extensions beyond MkDocs' own, takes the
ordinary Markdown path. The output is the same bytes either way (tests/sitegen/test_build_plugin.py).
"""

from __future__ import annotations

import functools
import re

import jinja2
from markdown.util import BLOCK_LEVEL_ELEMENTS
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

# MkDocs always loads these; others could change what Markdown does to raw HTML.
MKDOCS_EXTENSIONS = ["toc", "tables", "fenced_code"]
# Elements Python-Markdown stores verbatim when one opens a block; not those whose content it treats as text.
PASSED_THROUGH = frozenset(BLOCK_LEVEL_ELEMENTS) - {"script", "style", "pre", "textarea", "math", "hr"}
OPENING_TAG = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
# The fenced_code extension runs before raw HTML is set aside, so a fence line anywhere would be its to change.
FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.MULTILINE)
TAB_LENGTH = 4  # Python-Markdown's default, as MkDocs leaves it


class PortalBuildPlugin(BasePlugin):
    """Passes raw-HTML pages through untouched and reuses one compiled Jinja environment per theme."""

    def __init__(self) -> None:
        self._passed: dict[str, str] = {}

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if list(config.markdown_extensions) != MKDOCS_EXTENSIONS:
            return markdown
        html = raw_html_page(markdown)
        if html is None:
            return markdown
        self._passed[page.file.src_uri] = html
        return ""  # Markdown then has nothing to parse; on_page_content puts the page back

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._passed.pop(page.file.src_uri, html)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        return theme_environment(config.theme)


def theme_environment(theme: Theme) -> jinja2.Environment:
    """The theme's Jinja environment, built once per process, so its templates are compiled once."""
    # Theme.get_env() depends only on the theme's folders and locale (the page context carries the rest),
    # and never reloads a template from disk.
    key = (tuple(theme.dirs), str(theme.locale))
    environment = _environments.get(key)
    if environment is None:
        environment = _environments[key] = theme.get_env()
        # Every value a template writes is escaped unless marked safe (page.content, our own escaped HTML).
        environment.autoescape = True
    return environment


_environments: dict[tuple[tuple[str, ...], str], jinja2.Environment] = {}


def raw_html_page(markdown: str) -> str | None:
    """What Python-Markdown makes of `markdown` when it is only whole raw HTML blocks; None when it is not."""
    text = _normalized(markdown).strip("\n")
    if not text or FENCE_LINE.search(text):
        return None
    blocks = text.split("\n\n")
    if not all(_whole_elements(block) for block in blocks):
        return None
    return "\n\n".join(blocks)


def _normalized(markdown: str) -> str:
    """Python-Markdown's own first step (NormalizeWhitespace), so tabs and line ends come out as it writes them."""
    text = markdown.replace("\x02", "").replace("\x03", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_LENGTH)
    return re.sub(r"(?<=\n) +\n", "\n", text + "\n\n")


def _whole_elements(block: str) -> bool:
    """Whether `block` is elements one after another, each opened at a line's start and closed at a line's end."""
    start = 0
    while True:
        opening = OPENING_TAG.match(block, start)
        if opening is None or opening.group(1) not in PASSED_THROUGH:
            return False
        end = _closing_end(block, opening.group(1), start)
        if end == len(block):
            return True
        if end is None or block[end] != "\n":
            return False
        start = end + 1


def _closing_end(block: str, tag: str, start: int) -> int | None:
    """Where the element opened at `start` ends, counting nested elements of the same name."""
    depth = 0
    for found in _tag_pattern(tag).finditer(block, start):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end()
    return None


@functools.cache
def _tag_pattern(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}(?:[\s>]|$)")
