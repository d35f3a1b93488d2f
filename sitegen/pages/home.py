"""The home page: overall health counts and a card for every open project."""

from __future__ import annotations

from collections import Counter

from markupsafe import Markup

from sitegen.content import HEALTH_MARKERS, PHASE_LABELS, STATUS_LABELS, Project
from sitegen.pages.common import badge, day, page, progress, table
from sitegen.pages.project import activity_list

CARD_GROUPS = (("ACTIVE", "Active projects"), ("ON_HOLD", "On hold"), ("PLANNED", "Planned"))
OPEN_STATUSES = frozenset(status for status, _ in CARD_GROUPS)
LATEST_REPORTS = 5
LATEST_ACTIVITY = 5


def home_page(client_name: str, projects: list[Project]) -> str:
    """The home page's Markdown."""
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
        parts.append(Markup('<h2 id="closed-projects">Closed and cancelled projects</h2>'))
        parts.append(_finished_table(finished))
    parts += [Markup("<h2>Latest status reports</h2>"), _latest_reports(projects),
              Markup('<h2 id="recent-activity">Recent activity</h2>'), _latest_activity(projects),
              Markup("<h2>Tell us how we are doing</h2>"),
              Markup('<p><a href="feedback.html">Give feedback</a> on any part of our work with you.</p>'),
              Markup("<h2>Follow along</h2>"),
              Markup('<p>New status reports as a <a href="feed.xml" type="application/atom+xml">feed</a> for your '
                     'feed reader, and every milestone in your calendar: <a href="milestones.ics" '
                     'type="text/calendar">milestones.ics</a>.</p>')]
    return page(parts)


def _latest_activity(projects: list[Project]) -> Markup:
    """The five latest lines of activity across projects, each naming its project."""
    latest = sorted(((item, project) for project in projects for item in project.activity),
                    key=lambda pair: (pair[0]["occurredAt"], pair[1].code), reverse=True)[:LATEST_ACTIVITY]
    return activity_list([(item, Markup(' <a href="projects/{}.html">{}</a>').format(project.page_name, project.code))
                          for item, project in latest])


def upcoming_milestone(project: Project) -> dict | None:
    """The milestone not yet accepted with the earliest forecast date, as the API's nextMilestone picks it."""
    waiting = [m for m in project.milestones if m["status"] != "ACCEPTED"]
    return min(waiting, key=lambda m: (m["forecastDate"], m["name"]), default=None)


def _health_summary(projects: list[Project]) -> Markup:
    counts = Counter(p.health["overall"] for p in projects)
    tiles = Markup("\n").join(
        Markup(
            '<li class="health-summary__tile"><span class="health-summary__count">{}</span> {}</li>'
        ).format(counts[health], badge(health))
        for health in HEALTH_MARKERS
    )
    return Markup(
        '<ul class="health-summary" aria-label="Active, on-hold and planned projects by overall health">\n{}\n</ul>'
    ).format(tiles)


def _project_card(project: Project) -> Markup:
    return Markup(
        '<li class="project-card">\n<h3><a href="projects/{}.html">{}</a></h3>\n'
        '<p class="project-card__code">{} · {}</p>\n'
        '<p class="project-card__meta">{} <span class="muted">overall health</span></p>\n{}\n{}</li>'
    ).format(
        project.page_name,
        project.name,
        project.code,
        PHASE_LABELS[project.phase],
        badge(project.health["overall"]),
        progress(project.percent_complete),
        _next_milestone(project),
    )


def _next_milestone(project: Project) -> Markup:
    upcoming = upcoming_milestone(project)
    if upcoming is None:
        return Markup("")
    return Markup('<p class="project-card__next">Next milestone: {}, forecast {}</p>\n').format(
        upcoming["name"], day(upcoming["forecastDate"]))


def _latest_reports(projects: list[Project]) -> Markup:
    reports = sorted(
        ((project, report) for project in projects for report in project.reports),
        key=lambda pair: (pair[1].period_end, pair[1].page_name), reverse=True,
    )[:LATEST_REPORTS]
    if not reports:
        return Markup('<p class="muted">No published status reports yet.</p>')
    items = Markup("\n").join(
        Markup('<li><a href="reports/{}.html">{}</a> <span class="muted">{} · {}</span></li>').format(
            report.page_name, report.title, project.name, day(report.period_end))
        for project, report in reports
    )
    return Markup('<ul class="report-list">\n{}\n</ul>').format(items)


def _finished_table(projects: list[Project]) -> Markup:
    rows = [
        Markup(
            '<tr><th scope="row"><a href="projects/{}.html">{}</a> <span class="table-note">{} · {}</span></th>'
            "<td>{}</td><td>{}%</td></tr>"
        ).format(p.page_name, p.name, p.code, STATUS_LABELS[p.status], badge(p.health["overall"]),
                 p.percent_complete)
        for p in projects
    ]
    return table(("Project", "Overall health", "Complete"), rows, label_id="closed-projects")
