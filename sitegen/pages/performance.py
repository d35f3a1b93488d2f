"""A printable monthly performance report per project and month, modelled on IPMDAR Format 1: each milestone is a
row, with the month's and the cumulative planned value, earned value and variances, and at completion the budget,
estimate and variance; the PMO's variance explanations come from the month's status reports.

Actual cost is recorded for a project as a whole, not per milestone, so it (and what depends on it: CV, EAC,
VAC) is on the total row only. Without shared financials the report shows percentages of the budget instead.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from sitegen.content import Project
from sitegen.pages.common import back_link, day, month, page, paragraphs
from sitegen.pages.earned_value import cost_words, index_text, schedule_words, shows_money

MONTHS_KEPT = 12  # a report for each of the last twelve closed months
DASH = Markup('<span aria-label="not applicable">—</span>')


def performance_pages(project: Project) -> dict[str, str]:
    """The project's monthly reports, keyed by their page path under docs/."""
    points = list(project.trend)
    pages = {}
    for index in range(max(0, len(points) - MONTHS_KEPT), len(points)):
        previous = points[index - 1] if index else None
        pages[f"performance/{report_stem(project, points[index])}.md"] = _report(project, points[index], previous)
    return pages


def report_stem(project: Project, point: dict) -> str:
    return f"{project.page_name}-{point['asOf'][:7]}"


def report_links(project: Project, *, prefix: str) -> list[tuple[str, str]]:
    """(href, label) of each monthly report, oldest first, relative to a page in another folder."""
    points = list(project.trend)[-MONTHS_KEPT:]
    return [(f"{prefix}performance/{report_stem(project, point)}.html", month(point["asOf"])) for point in points]


def _amount(value: dict | None) -> Decimal:
    return Decimal(value["amount"]) if value is not None else Decimal(0)


def _cell(value: Decimal | None) -> Markup:
    return DASH if value is None else Markup("{}").format(f"{value:,.0f}")


def _percent_cell(value: float | None) -> Markup:
    return DASH if value is None else Markup("{:.1f}%").format(value)


def _report(project: Project, point: dict, previous: dict | None) -> str:
    money = shows_money(project)
    period_start = (previous["asOf"] if previous else project.start_date) or point["asOf"]
    title = Markup("<h1>Monthly performance report: {}</h1>").format(month(point["asOf"]))
    facts = Markup(
        '<dl class="facts">\n<dt>Project</dt><dd>{} ({})</dd>\n<dt>Period</dt><dd>{} to {}</dd>\n'
        "<dt>Schedule performance (SPI)</dt><dd>{}</dd>\n<dt>Cost performance (CPI)</dt><dd>{}</dd>\n"
        "<dt>Format</dt><dd>Modelled on IPMDAR Format 1: one row per milestone</dd>\n</dl>").format(
        project.name, project.code, day(period_start), day(point["asOf"]),
        index_text(point["schedulePerformanceIndex"], schedule_words(point["schedulePerformanceIndex"])),
        index_text(point["costPerformanceIndex"], cost_words(point["costPerformanceIndex"])))
    table = _money_table(point, previous) if money else _percent_table(point, previous)
    note = Markup('<p class="muted">{}</p>').format(
        "Actual cost is recorded for the project as a whole, so actual cost, cost variance and the estimate at "
        "completion appear on the total row. Amounts are in whole " + point["budgetAtCompletion"]["currency"] + "."
        if money else "Values are percentages of each milestone's budget (the total row: of the project's budget).")
    parts = [back_link(f"../projects/{project.page_name}.html", project.name), title, facts,
             Markup('<h2 id="performance">Performance by milestone</h2>'), table, note,
             Markup('<h2 id="variance-analysis">Variance analysis</h2>'), _explanations(project, point, previous)]
    return page(parts)


def _head(groups: list[tuple[str, list[str]]]) -> Markup:
    top = Markup("").join(Markup('<th scope="colgroup" colspan="{}">{}</th>').format(len(cols), name)
                          for name, cols in groups)
    bottom = Markup("").join(Markup('<th scope="col">{}</th>').format(col) for _, cols in groups for col in cols)
    return Markup('<thead><tr><td></td>{}</tr>\n<tr><th scope="col">Milestone</th>{}</tr></thead>').format(top, bottom)


def _wrap(head: Markup, rows: list[Markup], foot: Markup) -> Markup:
    return Markup(
        '<div class="table-wrap" role="region" aria-labelledby="performance" tabindex="0">\n'
        '<table class="performance-table" aria-labelledby="performance">\n{}\n<tbody>\n{}\n</tbody>\n'
        "<tfoot>{}</tfoot>\n</table>\n</div>").format(head, Markup("\n").join(rows), foot)


def _milestones(point: dict, previous: dict | None) -> list[tuple[dict, dict | None]]:
    before = {m["milestone"]["id"]: m for m in (previous or {}).get("milestones", []) if m["milestone"]}
    return [(m, before.get(m["milestone"]["id"])) for m in point["milestones"] if m["milestone"]]


def _money_table(point: dict, previous: dict | None) -> Markup:
    groups = [("Current period", ["PV", "EV", "AC", "SV", "CV"]), ("Cumulative to date", ["PV", "EV", "AC", "SV",
                                                                                          "CV"]),
              ("At completion", ["BAC", "EAC", "VAC"])]
    rows = []
    for now, then in _milestones(point, previous):
        pv, ev = _amount(now["plannedValue"]), _amount(now["earnedValue"])
        pv0, ev0 = (_amount(then["plannedValue"]), _amount(then["earnedValue"])) if then else (Decimal(0), Decimal(0))
        cells = [pv - pv0, ev - ev0, None, (ev - ev0) - (pv - pv0), None, pv, ev, None, ev - pv, None,
                 _amount(now["budgetAtCompletion"]), None, None]
        rows.append(Markup('<tr><th scope="row">{}</th>{}</tr>').format(
            now["milestone"]["name"], Markup("").join(Markup("<td>{}</td>").format(_cell(c)) for c in cells)))
    pv, ev, ac = (_amount(point[k]) for k in ("plannedValue", "earnedValue", "actualCost"))
    pv0, ev0, ac0 = (_amount(previous[k]) if previous else Decimal(0) for k in ("plannedValue", "earnedValue",
                                                                               "actualCost"))
    eac = _amount(point["estimateAtCompletion"]) if point["estimateAtCompletion"] else None
    vac = _amount(point["varianceAtCompletion"]) if point["varianceAtCompletion"] else None
    totals = [pv - pv0, ev - ev0, ac - ac0, (ev - ev0) - (pv - pv0), (ev - ev0) - (ac - ac0), pv, ev, ac, ev - pv,
              ev - ac, _amount(point["budgetAtCompletion"]), eac, vac]
    foot = Markup('<tr><th scope="row">Project total</th>{}</tr>').format(
        Markup("").join(Markup("<td>{}</td>").format(_cell(c)) for c in totals))
    return _wrap(_head(groups), rows, foot)


def _percent_table(point: dict, previous: dict | None) -> Markup:
    groups = [("Current period", ["Planned", "Earned"]), ("Cumulative to date", ["Planned", "Earned"])]
    rows = []
    for now, then in _milestones(point, previous):
        before = (then["percentPlanned"] or 0.0, then["percentEarned"] or 0.0) if then else (0.0, 0.0)
        planned, earned = now["percentPlanned"] or 0.0, now["percentEarned"] or 0.0
        cells = [planned - before[0], earned - before[1], planned, earned]
        rows.append(Markup('<tr><th scope="row">{}</th>{}</tr>').format(
            now["milestone"]["name"], Markup("").join(Markup("<td>{}</td>").format(_percent_cell(c)) for c in cells)))
    was = (previous["percentPlanned"] or 0.0, previous["percentEarned"] or 0.0) if previous else (0.0, 0.0)
    planned, earned = point["percentPlanned"] or 0.0, point["percentEarned"] or 0.0
    foot = Markup('<tr><th scope="row">Project total</th>{}</tr>').format(Markup("").join(
        Markup("<td>{}</td>").format(_percent_cell(c)) for c in (planned - was[0], earned - was[1], planned, earned)))
    return _wrap(_head(groups), rows, foot)


def _explanations(project: Project, point: dict, previous: dict | None) -> Markup:
    start = previous["asOf"] if previous else ""
    reports = [r for r in project.reports if start < r.period_end[:10] <= point["asOf"]]
    if not reports:
        return Markup('<p class="muted">No status report was published for this month.</p>')
    blocks = [Markup('<section class="variance-notes">\n<h3>{}</h3>\n{}\n</section>').format(
        report.title, paragraphs(report.issues or report.summary, empty="No variance to explain."))
        for report in reports]
    return Markup("\n\n").join(blocks)
