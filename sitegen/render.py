"""Render one client's data snapshot into a MkDocs project that uses portal_theme.

The pages themselves live in sitegen/pages/ (one module per kind of page); this module lays
out the project: mkdocs.yml, the docs tree and the navigation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

import yaml

import portal_theme
from api.kit.errors import Validator
from api.sites.branding import check_branding
from api.sites.headers import CONTENT_SECURITY_POLICY
from sitegen.content import Project, read_action_items, read_projects
from sitegen.feeds import CALENDAR_FILE, FEED_FILE, milestone_calendar, report_feed
from sitegen.pages.contacts import contacts_page
from sitegen.pages.cx import TOUCHPOINT_LABELS, feedback_page, you_said_we_did_page
from sitegen.pages.executive import executive_page
from sitegen.pages.home import home_page
from sitegen.pages.performance import performance_pages
from sitegen.pages.project import project_page
from sitegen.pages.report import report_page
from sitegen.pages.search import INDEX_FILE, search_entry, search_index_script, search_page

BRAND_CSS = "assets/stylesheets/brand.css"  # the client's accent colour, as a file: no inline style


@dataclass(frozen=True)
class SiteOptions:
    """Per-client theme options: branding, accent colour, logo, public address and survey links."""

    brand_name: str
    accent_color: str
    logo_url: str | None
    site_url: str | None = None
    feedback_links: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validator = Validator()
        check_branding(validator, accent_color=self.accent_color, logo_url=self.logo_url)
        if validator.problems:
            raise ValueError(validator.problems[0].message)
        unknown = sorted(set(self.feedback_links) - set(TOUCHPOINT_LABELS))
        if unknown:
            raise ValueError(f"feedback links name unknown touchpoints: {unknown}")
        if not all(url.startswith(("https://", "http://")) for url in self.feedback_links.values()):
            raise ValueError("feedback links must be http(s) addresses")


def render_site_project(snapshot: dict, *, project_dir: Path, options: SiteOptions, build_epoch: int) -> None:
    """Write a complete MkDocs project (mkdocs.yml and docs/) for one client's snapshot, its feeds dated
    `build_epoch` (Unix seconds) like its pages."""
    client = snapshot["client"]
    projects = read_projects(snapshot)
    action_items = read_action_items(snapshot)
    if project_dir.exists() and any(project_dir.iterdir()):
        raise FileExistsError(f"{project_dir} is not empty")
    pages = {
        "index.md": home_page(client["name"], projects),
        "executive-summary.md": executive_page(client["name"], client.get("portfolio"), projects),
        "you-said-we-did.md": you_said_we_did_page(client["cxSummary"], action_items),
        "feedback.md": feedback_page(options.feedback_links),
        "contacts.md": contacts_page(projects),
    }
    for project in projects:
        pages[f"projects/{project.page_name}.md"] = project_page(project)
        pages |= performance_pages(project)
        for report in project.reports:
            pages[f"reports/{report.page_name}.md"] = report_page(project, report)
    built_at = datetime.fromtimestamp(build_epoch, UTC)
    feeds = {FEED_FILE: report_feed(client_name=client["name"], client_slug=client["slug"], projects=projects,
                                    site_url=options.site_url, built_at=built_at),
             CALENDAR_FILE: milestone_calendar(client_name=client["name"], projects=projects, built_at=built_at)}
    entries = [search_entry(path, markdown) for path, markdown in pages.items()]
    pages["search.md"] = search_page(entries)
    docs_dir = project_dir / "docs"
    for folder in ("projects", "reports", "performance"):
        (docs_dir / folder).mkdir(parents=True)
    config = _mkdocs_config(client["name"], projects, options)
    _write(project_dir / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    (docs_dir / BRAND_CSS).parent.mkdir(parents=True)
    _write(docs_dir / BRAND_CSS, f":root {{ --accent: {options.accent_color}; }}\n")  # a checked #rrggbb
    _write(docs_dir / INDEX_FILE, search_index_script(entries))
    for name, content in feeds.items():
        (docs_dir / name).write_bytes(content)
    for path, markdown in pages.items():
        _write(docs_dir / path, markdown)


def _mkdocs_config(client_name: str, projects: list[Project], options: SiteOptions) -> dict:
    theme = {
        "brand_name": options.brand_name,
        "accent_color": options.accent_color,
        "logo_url": options.logo_url,
        "content_security_policy": CONTENT_SECURITY_POLICY,
        "client_name": client_name,
        "locale": "en",
    }
    if _portal_theme_registered():
        theme = {"name": "portal", **theme}
    else:
        theme = {"name": None, "custom_dir": str(Path(portal_theme.__file__).resolve().parent), **theme}
    nav: list[dict] = [{"Home": "index.md"}, {"Executive summary": "executive-summary.md"}]
    if projects:
        nav.append({"Projects": [{p.name: f"projects/{p.page_name}.md"} for p in projects]})
    nav += [{"You said, we did": "you-said-we-did.md"}, {"Give feedback": "feedback.md"}, {"Contacts": "contacts.md"}]
    config = {"site_name": client_name}
    if options.site_url:
        config["site_url"] = options.site_url
    # Report pages stay out of the nav (each project page links its own); the header's search box leads to search.
    config |= {"extra_css": [BRAND_CSS], "use_directory_urls": False, "strict": True, "plugins": [], "theme": theme, "nav": nav,
               "not_in_nav": "/reports/\n/performance/\n/search.md"}
    return config


@cache
def _portal_theme_registered() -> bool:
    # Reading every installed package's entry points takes milliseconds; they do not change while a process runs.
    return any(ep.name == "portal" and ep.value == "portal_theme" for ep in entry_points(group="mkdocs.themes"))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
