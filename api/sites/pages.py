"""Where a client's microsite puts its pages, for the site generator and for links that point into a site."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

_UNSAFE_PAGE_CHARS = re.compile(r"[^a-z0-9_-]+")


def page_stem(text: str) -> str:
    """`text` lower-cased and made safe as a file stem."""
    return _UNSAFE_PAGE_CHARS.sub("-", text.lower()).strip("-")


def report_order(report: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """How a project's published reports are ordered on its site: oldest period first (API field names)."""
    return report["periodEnd"], report["periodStart"], report["publishedAt"] or "", report["title"]


def report_page_names(code: str, reports: Sequence[Mapping[str, Any]]) -> list[str]:
    """The page name of each of a project's published reports, given in `report_order`, unique in the site."""
    names, seen = [], Counter()
    for report in reports:
        stem = page_stem(f"{code}-{report['periodEnd']}")
        seen[stem] += 1
        names.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return names


def report_url(site_url: str, page_name: str) -> str:
    """The address of a report's page, from the site's address (its index.html)."""
    return f"{site_url.rsplit('/', 1)[0]}/reports/{page_name}.html"


def project_url(site_url: str, code: str) -> str:
    """The address of a project's page, from the site's address (its index.html)."""
    return f"{site_url.rsplit('/', 1)[0]}/projects/{page_stem(code)}.html"
