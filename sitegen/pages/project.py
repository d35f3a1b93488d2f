"""A project's page: facts, health, milestones, progress over time, budget, risks and reports."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from sitegen.charts import bar_chart, line_chart
from sitegen.content import HEALTH_ASPECTS, PHASE_LABELS, STATUS_LABELS, Project
from sitegen.pages.common import (
    back_link,
    badge,
    day,
    money,
    page,
    paragraphs,
    progress,
    short_day,
    table,
    written_day,
)
from sitegen.pages.earned_value import earned_value_section
from sitegen.pages.performance import report_links

MILESTONE_STATUS_WORDS = {
    "NOT_STARTED": "Not started",
    "IN_PROGRESS": "In progress",
    "SUBMITTED": "Submitted for acceptance",
    "ACCEPTED": "Accepted",
    "REJECTED": "Returned for rework",
}
SEVERITY_WORDS = {"LOW": "Low", "MEDIUM": "Medium", "HIGH": "High", "CRITICAL": "Critical"}
RISK_STATUS_WORDS = {"OPEN": "Open", "MITIGATING": "Being mitigated", "CLOSED": "Closed"}


def project_page(project: Project) -> str:
    """The project page's Markdown."""
    period = Markup("{} to {}").format(day(project.start_date), day(project.end_date))
    facts = Markup(
        '<dl class="facts">\n<dt>Project code</dt><dd>{}</dd>\n<dt>Status</dt><dd>{}</dd>\n'
        "<dt>Phase</dt><dd>{}</dd>\n<dt>Period of performance</dt><dd>{}</dd>\n"
        "<dt>Progress</dt><dd>{}</dd>\n</dl>"
    ).format(project.code, STATUS_LABELS[project.status], PHASE_LABELS[project.phase], period,
             progress(project.percent_complete))
    parts = [
        back_link("../index.html", "All projects"),
        Markup("<h1>{}</h1>").format(project.name),
        facts,
        Markup("<h2>Summary</h2>"),
        paragraphs(project.summary, empty="No summary yet."),
        Markup('<h2 id="health-breakdown">Health breakdown</h2>'),
        health_table(project.health, label_id="health-breakdown"),
        Markup('<h2 id="milestones">Milestones</h2>'),
        _milestones(project),
        Markup('<h2 id="progress-over-time">Progress over time</h2>'),
        _progress_over_time(project),
    ]
    parts += [Markup('<h2 id="earned-value">Earned value</h2>'),
              earned_value_section(project, report_links=report_links(project, prefix="../"))]
    if project.financials is not None:
        parts += [Markup('<h2 id="budget">Budget</h2>'), _budget(project.financials)]
    parts += [Markup('<h2 id="risks">Risks and issues</h2>'), _risks(project),
              Markup('<h2 id="reports">Status reports</h2>'), _reports(project),
              Markup('<h2 id="recent-activity">Recent activity</h2>'),
              activity_list([(item, Markup()) for item in project.activity])]
    return page(parts, front_matter={"health": project.health["overall"]})


def activity_list(items: Sequence[tuple[dict, Markup]]) -> Markup:
    """What happened, newest first: each line with its day, what the caller puts after it, and its summary."""
    if not items:
        return Markup('<p class="muted">Nothing new in the last 30 days.</p>')
    lines = Markup("\n").join(Markup("<li>{}{}: {}</li>").format(day(item["occurredAt"]), after, item["summary"])
                               for item, after in items)
    return Markup('<ul class="activity">\n{}\n</ul>').format(lines)


def health_table(health: dict[str, str], *, label_id: str) -> Markup:
    """Each area's health as a word and a shape."""
    rows = [
        Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(label, badge(health[key]))
        for key, label in HEALTH_ASPECTS
    ]
    return table(("Area", "Health"), rows, label_id=label_id, css_class="health-table")


def _milestones(project: Project) -> Markup:
    if not project.milestones:
        return Markup('<p class="muted">No milestones shared yet.</p>')
    rows = [
        Markup(
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'
        ).format(m["name"], day(m["baselineDate"]), day(m["forecastDate"]), _milestone_status(m), _slip(m["slipDays"]))
        for m in project.milestones
    ]
    return table(("Milestone", "Baseline", "Forecast", "Status", "Slip"), rows, label_id="milestones")


def _milestone_status(milestone: dict) -> Markup:
    words = MILESTONE_STATUS_WORDS[milestone["status"]]
    if milestone["completedDate"]:
        return Markup("{}, completed {}").format(words, day(milestone["completedDate"]))
    return Markup("{}").format(words)


def _slip(days: int) -> str:
    if days == 0:
        return "On baseline"
    unit = "day" if abs(days) == 1 else "days"
    return f"{days} {unit} late" if days > 0 else f"{-days} {unit} early"


def _progress_over_time(project: Project) -> Markup:
    if not project.reports:
        return Markup('<p class="muted">No published status reports yet.</p>')
    points = [(short_day(report.period_end), float(report.percent_complete)) for report in project.reports]
    first, last = project.reports[0], project.reports[-1]
    chart = line_chart(
        chart_id=f"progress-{project.page_name}",
        title=f"{project.name}: percent complete by report",
        description=f"From {first.percent_complete}% on {written_day(first.period_end)} to "
        f"{last.percent_complete}% on {written_day(last.period_end)}, over {len(points)} published reports.",
        points=points,
    )
    rows = [
        Markup('<tr><th scope="row">{}</th><td>{}%</td></tr>').format(day(report.period_end), report.percent_complete)
        for report in project.reports
    ]
    return chart + Markup("\n\n") + table(("Report period end", "Percent complete"), rows,
                                          label_id="progress-over-time")


def _budget(financials: dict) -> Markup:
    budget, spent, percent = financials["budgetAtCompletion"], financials["actualCostToDate"], financials["percentSpent"]
    text = Markup("<p>{} spent of a budget of {}{}.</p>").format(
        money(spent), money(budget), "" if percent is None else f" ({percent:.1f}% spent)"
    )
    if percent is None:
        return text
    return text + Markup("\n\n") + bar_chart(
        chart_id="budget-burn", title="Budget spent", description=f"{percent:.1f}% of the budget spent.",
        percent=percent,
    )


def _risks(project: Project) -> Markup:
    if not project.risks:
        return Markup('<p class="muted">No risks or issues shared with you.</p>')
    rows = [
        Markup('<tr><th scope="row">{} <span class="table-note">{}</span></th><td>{}</td><td>{}</td><td>{}</td>'
               "<td>{}</td></tr>").format(
            r["title"], "Issue" if r["kind"] == "ISSUE" else "Risk", r["description"],
            SEVERITY_WORDS[r["severity"]], RISK_STATUS_WORDS[r["status"]], r["mitigation"])
        for r in project.risks
    ]
    return table(("Risk or issue", "Description", "Severity", "Status", "Mitigation"), rows, label_id="risks")


def _reports(project: Project) -> Markup:
    if not project.reports:
        return Markup('<p class="muted">No published status reports yet.</p>')
    items = Markup("\n").join(
        Markup('<li><a href="../reports/{}.html">{}</a> <span class="muted">{} to {}</span></li>').format(
            report.page_name, report.title, day(report.period_start), day(report.period_end))
        for report in reversed(project.reports)
    )
    return Markup('<ul class="report-list">\n{}\n</ul>').format(items)
