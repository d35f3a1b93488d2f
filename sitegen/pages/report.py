"""One printable page per published status report."""

from __future__ import annotations

from markupsafe import Markup

from sitegen.content import Project, Report
from sitegen.pages.common import back_link, badge, day, page, paragraphs, progress
from sitegen.pages.project import health_table

SECTIONS = (
    ("summary", "Summary", "No summary given."),
    ("accomplishments", "Accomplishments", "None reported."),
    ("next_steps", "Next steps", "None reported."),
    ("issues", "Issues", "None reported."),
)


def report_page(project: Project, report: Report) -> str:
    """The report page's Markdown: the report as published, laid out for A4."""
    facts = Markup(
        '<dl class="facts">\n<dt>Project</dt><dd>{} ({})</dd>\n<dt>Period</dt><dd>{} to {}</dd>\n'
        "<dt>Overall health</dt><dd>{}</dd>\n<dt>Progress</dt><dd>{}</dd>\n</dl>"
    ).format(project.name, project.code, day(report.period_start), day(report.period_end),
             badge(report.health["overall"]), progress(report.percent_complete))
    parts = [
        back_link(f"../projects/{project.page_name}.html", project.name),
        Markup("<h1>{}</h1>").format(report.title),
        facts,
    ]
    for attribute, heading, empty in SECTIONS:
        parts += [Markup("<h2>{}</h2>").format(heading), paragraphs(getattr(report, attribute), empty=empty)]
    parts += [
        Markup('<h2 id="report-health">Health at publication</h2>'),
        health_table(report.health, label_id="report-health"),
    ]
    # Report pages are outside the nav, so the title comes from the front matter, not the file name.
    title = f"{report.title} · {project.name}"
    return page(parts, front_matter={"health": report.health["overall"], "title": title})
