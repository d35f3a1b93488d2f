"""The "You said, we did" page (satisfaction trend and done actions) and the "Give feedback" page."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from sitegen.charts import line_chart
from sitegen.pages.common import MONTHS, day, month, page, paragraphs, table

TOUCHPOINT_LABELS = {
    "KICKOFF": "Project kickoff",
    "STATUS_REPORT": "Status reports",
    "MILESTONE_REVIEW": "Milestone reviews",
    "DELIVERABLE_ACCEPTANCE": "Deliverable acceptance",
    "MEETING": "Meetings",
    "SUPPORT": "Support",
    "CLOSEOUT": "Project closeout",
    "GENERAL": "Working with us in general",
}


def you_said_we_did_page(cx_summary: dict, action_items: list[dict]) -> str:
    """The page's Markdown: CSAT by month, then what we changed in answer to feedback."""
    parts = [
        Markup("<h1>You said, we did</h1>"),
        Markup('<p class="lead">How satisfied you have been with our work, and what we changed because you told us.</p>'),
        Markup('<h2 id="satisfaction">Satisfaction by month</h2>'),
        _trend(cx_summary),
        Markup('<h2 id="actions">What we changed</h2>'),
        _actions(action_items),
    ]
    return page(parts)


def feedback_page(feedback_links: Mapping[str, str]) -> str:
    """The page's Markdown: one plain link per touchpoint, or whom to ask for one."""
    parts = [Markup("<h1>Give feedback</h1>")]
    if not feedback_links:
        parts.append(Markup("<p>Ask your project manager for a survey link.</p>"))
        return page(parts)
    links = Markup("\n").join(
        Markup('<li><a href="{}">{}</a></li>').format(feedback_links[touchpoint], TOUCHPOINT_LABELS[touchpoint])
        for touchpoint in TOUCHPOINT_LABELS if touchpoint in feedback_links
    )
    parts += [Markup("<p>Tell us how we are doing. Each survey takes about two minutes.</p>"),
              Markup('<ul class="feedback-links">\n{}\n</ul>').format(links)]
    return page(parts)


def _trend(cx_summary: dict) -> Markup:
    points = sorted(cx_summary["trend"], key=lambda point: point["periodStart"])
    if not points:
        return Markup('<p class="muted">No survey responses yet.</p>')
    gaps = [point for point in points if point["csatPercent"] is None]
    note = Markup("<p>Each point is the share of answers scoring 4 or 5 out of 5 (CSAT).</p>")
    if gaps:
        note += Markup(
            "\n<p>{} of {} months had fewer than {} responses: they show no figure and leave a gap in the line.</p>"
        ).format(len(gaps), len(points), cx_summary["minimumSample"])
    known = [point for point in points if point["csatPercent"] is not None]
    description = (
        f"CSAT from {month(points[0]['periodStart'])} to {month(points[-1]['periodStart'])}: "
        + (f"lowest {min(p['csatPercent'] for p in known):.1f}%, highest {max(p['csatPercent'] for p in known):.1f}%."
           if known else "no month had enough responses for a figure.")
    )
    chart = line_chart(
        chart_id="csat-trend", title="Satisfaction (CSAT %) by month", description=description,
        points=[(_short_month(p["periodStart"]), p["csatPercent"]) for p in points],
    )
    rows = [
        Markup('<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>').format(
            month(p["periodStart"]), p["sampleSize"],
            "Not enough responses" if p["csatPercent"] is None else f"{p['csatPercent']:.1f}%")
        for p in points
    ]
    data = table(("Month", "Responses", "CSAT"), rows, label_id="satisfaction")
    return Markup("\n\n").join([note, chart, data])


def _actions(action_items: list[dict]) -> Markup:
    if not action_items:
        return Markup('<p class="muted">Nothing to show yet.</p>')
    items = Markup("\n").join(
        Markup(
            '<li class="action-item">\n<h3>{}</h3>\n<p class="muted">Done {}</p>\n'
            "<h4>You said</h4>\n{}\n<h4>We did</h4>\n{}\n</li>"
        ).format(item["title"], day(item["completedAt"]), paragraphs(item["youSaid"], empty="Not recorded."),
                 paragraphs(item["weDid"], empty="Not recorded."))
        for item in action_items
    )
    return Markup('<ul class="action-items">\n{}\n</ul>').format(items)


def _short_month(value: str) -> str:
    return f"{MONTHS[int(value[5:7]) - 1][:3]} {value[2:4]}"
