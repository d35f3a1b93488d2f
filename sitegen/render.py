"""Render one client's data snapshot into a MkDocs project that uses portal_theme.

Every value from the snapshot reaches the page through `Markup.format`, which escapes it
with `markupsafe.escape`, and only inside raw HTML blocks, which Python-Markdown passes
through untouched: data can inject neither HTML nor Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

import yaml
from markupsafe import Markup

import portal_theme
from api.kit.errors import Validator
from api.sites.branding import check_branding

HEALTH_MARKERS = {"GREEN": "●", "AMBER": "▲", "RED": "■"}
STATUS_LABELS = {
    "ACTIVE": "Active",
    "ON_HOLD": "On hold",
    "PLANNED": "Planned",
    "CLOSED": "Closed",
    "CANCELLED": "Cancelled",
}
PHASE_LABELS = {
    "INITIATION": "Initiation",
    "PLANNING": "Planning",
    "EXECUTION": "Execution",
    "CLOSEOUT": "Closeout",
}
HEALTH_ASPECTS = (
    ("overall", "Overall"),
    ("schedule", "Schedule"),
    ("cost", "Cost"),
    ("scope", "Scope"),
    ("quality", "Quality"),
)
CARD_GROUPS = (("ACTIVE", "Active projects"), ("ON_HOLD", "On hold"), ("PLANNED", "Planned"))
OPEN_STATUSES = frozenset(status for status, _ in CARD_GROUPS)
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")

_UNSAFE_PAGE_CHARS = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class SiteOptions:
    """Per-client theme options: branding, accent colour, logo and public address."""

    brand_name: str
    accent_color: str
    logo_url: str | None
    site_url: str | None = None

    def __post_init__(self) -> None:
        validator = Validator()
        check_branding(validator, accent_color=self.accent_color, logo_url=self.logo_url)
        if validator.problems:
            raise ValueError(validator.problems[0].message)


@dataclass(frozen=True)
class Project:
    """One project as the microsite shows it, read from a snapshot node."""

    code: str
    name: str
    summary: str
    status: str
    phase: str
    percent_complete: int
    start_date: str | None
    end_date: str | None
    health: dict[str, str]

    @property
    def page_name(self) -> str:
        """The page's file stem: the code, lower-cased and made safe for a path."""
        return _UNSAFE_PAGE_CHARS.sub("-", self.code.lower()).strip("-")


def render_site_project(snapshot: dict, *, project_dir: Path, options: SiteOptions) -> None:
    """Write a complete MkDocs project (mkdocs.yml and docs/) for one client's snapshot."""
    client = snapshot["client"]
    projects = _read_projects(snapshot)
    if project_dir.exists() and any(project_dir.iterdir()):
        raise FileExistsError(f"{project_dir} is not empty")
    docs_dir = project_dir / "docs"
    (docs_dir / "projects").mkdir(parents=True)
    config = _mkdocs_config(client["name"], projects, options)
    _write(project_dir / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    _write(docs_dir / "index.md", _home_page(client["name"], projects))
    for project in projects:
        _write(docs_dir / "projects" / f"{project.page_name}.md", _project_page(project))


def _read_projects(snapshot: dict) -> list[Project]:
    """The snapshot's projects, validated and sorted by name then code."""
    connection = snapshot["client"]["projects"]
    nodes = [edge["node"] for edge in connection["edges"]]
    if len(nodes) != connection["totalCount"]:
        raise ValueError(f"snapshot holds {len(nodes)} of {connection['totalCount']} projects")
    projects = sorted(
        (_read_project(node) for node in nodes), key=lambda p: (p.name.casefold(), p.name, p.code)
    )
    page_names = Counter(project.page_name for project in projects)
    clashes = sorted(name for name, count in page_names.items() if count > 1 or not name)
    if clashes:
        raise ValueError(f"project codes give unusable or clashing page names: {clashes}")
    return projects


def _home_page(client_name: str, projects: list[Project]) -> str:
    """The home page: overall health counts and a card for every open project."""
    open_projects = [p for p in projects if p.status in OPEN_STATUSES]
    parts = [
        Markup("<h1>{}</h1>").format(client_name),
        Markup('<p class="lead">Health and progress of every project we deliver for you.</p>'),
        Markup("<h2>Projects by overall health</h2>"),
        _health_summary(open_projects),
    ]
    for status, heading in CARD_GROUPS:
        group = [p for p in open_projects if p.status == status]
        if group:
            parts.append(Markup("<h2>{}</h2>").format(heading))
            cards = Markup("\n").join(_project_card(p) for p in group)
            parts.append(Markup('<ul class="project-cards">\n{}\n</ul>').format(cards))
    if not open_projects:
        parts.append(Markup('<p class="muted">No active, on-hold or planned projects right now.</p>'))
    finished = [p for p in projects if p.status not in OPEN_STATUSES]
    if finished:
        parts.append(Markup("<h2>Closed and cancelled projects</h2>"))
        parts.append(_finished_table(finished))
    return "\n\n".join(parts) + "\n"


def _project_page(project: Project) -> str:
    """A project's page: its facts, summary and health breakdown."""
    front_matter = yaml.safe_dump({"health": project.health["overall"]})
    period = Markup("{} to {}").format(_date(project.start_date), _date(project.end_date))
    facts = Markup(
        '<dl class="facts">\n<dt>Project code</dt><dd>{}</dd>\n<dt>Status</dt><dd>{}</dd>\n'
        "<dt>Phase</dt><dd>{}</dd>\n<dt>Period of performance</dt><dd>{}</dd>\n"
        "<dt>Progress</dt><dd>{}</dd>\n</dl>"
    ).format(
        project.code,
        STATUS_LABELS[project.status],
        PHASE_LABELS[project.phase],
        period,
        _progress(project.percent_complete),
    )
    rows = Markup("\n").join(
        Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(label, _badge(project.health[key]))
        for key, label in HEALTH_ASPECTS
    )
    table = Markup(
        '<div class="table-wrap">\n<table class="health-table" aria-labelledby="health-breakdown">\n'
        '<thead><tr><th scope="col">Area</th><th scope="col">Health</th></tr></thead>\n'
        "<tbody>\n{}\n</tbody>\n</table>\n</div>"
    ).format(rows)
    parts = [
        Markup(
            '<p><a class="back-link" href="../index.html"><span aria-hidden="true">←</span> All projects</a></p>'
        ),
        Markup("<h1>{}</h1>").format(project.name),
        facts,
        Markup("<h2>Summary</h2>"),
        _summary(project.summary),
        Markup('<h2 id="health-breakdown">Health breakdown</h2>'),
        table,
    ]
    return f"---\n{front_matter}---\n\n" + "\n\n".join(parts) + "\n"


def _read_project(node: dict) -> Project:
    health = {key: node["health"][key] for key, _ in HEALTH_ASPECTS}
    known_health = all(value in HEALTH_MARKERS for value in health.values())
    if not known_health or node["status"] not in STATUS_LABELS or node["phase"] not in PHASE_LABELS:
        raise ValueError(f"project {node['code']!r} has an unknown status, phase or health")
    percent = int(node["percentComplete"])
    if not 0 <= percent <= 100:
        raise ValueError(f"project {node['code']!r} is {percent}% complete")
    return Project(
        code=node["code"],
        name=node["name"],
        summary=node.get("summary") or "",
        status=node["status"],
        phase=node["phase"],
        percent_complete=percent,
        start_date=node.get("startDate"),
        end_date=node.get("endDate"),
        health=health,
    )


def _mkdocs_config(client_name: str, projects: list[Project], options: SiteOptions) -> dict:
    theme = {
        "brand_name": options.brand_name,
        "accent_color": options.accent_color,
        "logo_url": options.logo_url,
        "client_name": client_name,
        "locale": "en",
    }
    installed = entry_points(group="mkdocs.themes")
    if any(ep.name == "portal" and ep.value == "portal_theme" for ep in installed):
        theme = {"name": "portal", **theme}
    else:
        theme = {"name": None, "custom_dir": str(Path(portal_theme.__file__).resolve().parent), **theme}
    nav: list[dict] = [{"Home": "index.md"}]
    if projects:
        nav.append({"Projects": [{p.name: f"projects/{p.page_name}.md"} for p in projects]})
    config = {"site_name": client_name}
    if options.site_url:
        config["site_url"] = options.site_url
    config |= {"use_directory_urls": False, "strict": True, "plugins": [], "theme": theme, "nav": nav}
    return config


def _health_summary(projects: list[Project]) -> Markup:
    counts = Counter(p.health["overall"] for p in projects)
    tiles = Markup("\n").join(
        Markup(
            '<li class="health-summary__tile"><span class="health-summary__count">{}</span> {}</li>'
        ).format(counts[health], _badge(health))
        for health in HEALTH_MARKERS
    )
    return Markup(
        '<ul class="health-summary" aria-label="Active, on-hold and planned projects by overall health">\n{}\n</ul>'
    ).format(tiles)


def _project_card(project: Project) -> Markup:
    return Markup(
        '<li class="project-card">\n<h3><a href="projects/{}.html">{}</a></h3>\n'
        '<p class="project-card__code">{} · {}</p>\n'
        '<p class="project-card__meta">{} <span class="muted">overall health</span></p>\n{}\n</li>'
    ).format(
        project.page_name,
        project.name,
        project.code,
        PHASE_LABELS[project.phase],
        _badge(project.health["overall"]),
        _progress(project.percent_complete),
    )


def _finished_table(projects: list[Project]) -> Markup:
    rows = Markup("\n").join(
        Markup(
            '<tr><th scope="row"><a href="projects/{}.html">{}</a> <span class="table-note">{} · {}</span></th>'
            "<td>{}</td><td>{}%</td></tr>"
        ).format(
            p.page_name, p.name, p.code, STATUS_LABELS[p.status], _badge(p.health["overall"]), p.percent_complete
        )
        for p in projects
    )
    return Markup(
        '<div class="table-wrap">\n<table>\n<thead><tr><th scope="col">Project</th>'
        '<th scope="col">Overall health</th><th scope="col">Complete</th></tr></thead>\n'
        "<tbody>\n{}\n</tbody>\n</table>\n</div>"
    ).format(rows)


def _badge(health: str) -> Markup:
    # Same markup as portal_theme/partials/health-badge.html: the word and a shape, not colour alone.
    return Markup(
        '<span class="health health--{}"><span class="health__marker" aria-hidden="true">{}</span> {}</span>'
    ).format(health.lower(), HEALTH_MARKERS[health], health)


def _progress(percent: int) -> Markup:
    return Markup(
        '<span class="progress"><span class="progress__label">{0}% complete</span>'
        '<span class="progress__bar" aria-hidden="true"><span class="progress__fill" style="width: {0}%">'
        "</span></span></span>"
    ).format(percent)


def _summary(summary: str) -> Markup:
    # One line per paragraph keeps every data line inside an HTML tag's line.
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", summary) if p.strip()]
    if not paragraphs:
        return Markup('<p class="muted">No summary yet.</p>')
    body = Markup("\n").join(Markup("<p>{}</p>").format(p) for p in paragraphs)
    return Markup('<div class="summary-text">\n{}\n</div>').format(body)


def _date(value: str | None) -> Markup:
    if not value:
        return Markup("not set")
    day = date.fromisoformat(value)
    return Markup('<time datetime="{}">{} {} {}</time>').format(
        day.isoformat(), day.day, MONTHS[day.month - 1], day.year
    )


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
