"""Offline site search: an index of every page written beside the site, and the page that searches it.

The index is a script (not JSON fetched at run time) so the search works from a folder opened
without a server as well as from the bucket; without JavaScript the page lists every page instead.
"""

from __future__ import annotations

import html
import json
import re

import yaml
from markupsafe import Markup

from sitegen.pages.common import page

INDEX_FILE = "search-index.js"
INDEX_GLOBAL = "portalSearchIndex"
_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", flags=re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", flags=re.DOTALL)


def search_entry(path: str, markdown: str) -> dict[str, str]:
    """One page's index entry: its address, its title (the front matter's, else its first heading) and its words."""
    front = _FRONT_MATTER.match(markdown)
    meta = yaml.safe_load(front.group(0).strip("-\n")) if front else {}
    body = markdown[front.end():] if front else markdown
    heading = _HEADING.search(body)
    title = meta.get("title") or (_plain(heading.group(1)) if heading else path)
    text = _plain(body[heading.end():] if heading else body)
    return {"url": path.removesuffix(".md") + ".html", "title": title, "text": text}


def search_index_script(entries: list[dict[str, str]]) -> str:
    """The index as a script that sets one global, ordered by address so the bytes are reproducible."""
    ordered = sorted(entries, key=lambda entry: entry["url"])
    payload = json.dumps(ordered, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    # ensure_ascii escapes every non-ASCII character, U+2028 and U+2029 included: the file is plain ASCII.
    return f"window.{INDEX_GLOBAL} = {payload};\n"


def search_page(entries: list[dict[str, str]]) -> str:
    """The search page's Markdown: a live results region, and every page for readers without scripts."""
    ordered = sorted(entries, key=lambda entry: (entry["url"] != "index.html", entry["title"].casefold()))
    every_page = Markup("\n").join(
        Markup('<li><a href="{}">{}</a></li>').format(entry["url"], entry["title"]) for entry in ordered
    )
    parts = [
        # The header's search box (partials/search.html) is this page's form; the script fills in the results.
        Markup("<h1>Search</h1>"),
        Markup('<p id="search-status" class="search-status" role="status" aria-live="polite"></p>\n'
               '<ol id="search-results" class="search-results" hidden></ol>\n'
               "<noscript><p>Searching needs JavaScript, which is off in this browser. "
               "Every page of this site is listed below.</p></noscript>"),
        Markup('<h2 id="every-page">Every page of this site</h2>'),
        Markup('<ul class="page-list" aria-labelledby="every-page">\n{}\n</ul>').format(every_page),
    ]
    return page(parts, front_matter={"search_page": True})


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())
