"""Earned value on the microsite: the words for each index, and each project's S-curve with its data table.

Amounts appear only where the snapshot holds them (the client sees the project's money); otherwise the same
story is told in percentages of the budget, and no amount is written anywhere.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from sitegen.charts import s_curve
from sitegen.content import Project
from sitegen.pages.common import day, short_day, table, written_day

SERIES = (("Planned", "planned", "plannedValue", "percentPlanned"),
          ("Earned", "earned", "earnedValue", "percentEarned"),
          ("Actual cost", "actual", "actualCost", None))


def schedule_words(spi: float | None) -> str:
    """What SPI says, in words."""
    if spi is None:
        return "nothing planned yet"
    return "behind plan" if spi < 1 else ("on plan" if spi == 1 else "ahead of plan")


def cost_words(cpi: float | None) -> str:
    """What CPI says, in words."""
    if cpi is None:
        return "no cost recorded yet"
    return "over cost" if cpi < 1 else ("on cost" if cpi == 1 else "under cost")


def index_text(value: float | None, words: str) -> Markup:
    """An index with its meaning beside it, never a number (or a colour) alone."""
    if value is None:
        return Markup('<span class="muted">{}</span>').format(words[:1].upper() + words[1:])
    return Markup('{:.3f} <span class="evm-words">{}</span>').format(value, words)


def amount(value: dict | None) -> str:
    """A Money value, whole units with thousands separators (EVM reports read in whole currency units)."""
    if value is None:
        return "—"
    return f"{Decimal(value['amount']):,.0f}"


def shows_money(project: Project) -> bool:
    return project.earned_value is not None and project.earned_value["budgetAtCompletion"] is not None


def summary_sentence(project: Project) -> Markup:
    """One sentence a reader can take away: earned against planned, and what it cost."""
    ev = project.earned_value
    assert ev is not None
    if shows_money(project):
        currency = ev["budgetAtCompletion"]["currency"]
        text = Markup("Earned {} of {} planned; cost {} ({}).").format(
            amount(ev["earnedValue"]), amount(ev["plannedValue"]), amount(ev["actualCost"]), currency)
    else:
        text = Markup("Earned {:.1f}% of the budget against {:.1f}% planned.").format(
            ev["percentEarned"] or 0.0, ev["percentPlanned"] or 0.0)
    spi, cpi = ev["schedulePerformanceIndex"], ev["costPerformanceIndex"]
    return Markup('<p class="evm-summary">{} Schedule: {}. Cost: {}.</p>').format(
        text, schedule_words(spi), cost_words(cpi))


def earned_value_section(project: Project, *, report_links: list[tuple[str, str]]) -> Markup:
    """The project page's earned value: the facts as of today, the S-curve, its data table and the monthly
    performance reports."""
    ev = project.earned_value
    if ev is None or not ev["milestones"]:
        return Markup('<p class="muted">No earned value yet: the project has no milestones with planned value.</p>')
    money = shows_money(project)
    facts = Markup(
        '<dl class="facts">\n<dt>As of</dt><dd>{}</dd>\n<dt>Schedule performance (SPI)</dt><dd>{}</dd>\n'
        "<dt>Cost performance (CPI)</dt><dd>{}</dd>\n{}</dl>").format(
        day(ev["asOf"]), index_text(ev["schedulePerformanceIndex"], schedule_words(ev["schedulePerformanceIndex"])),
        index_text(ev["costPerformanceIndex"], cost_words(ev["costPerformanceIndex"])),
        Markup("<dt>Estimate at completion</dt><dd>{} against a budget of {} {}</dd>\n").format(
            amount(ev["estimateAtCompletion"]), amount(ev["budgetAtCompletion"]), ev["budgetAtCompletion"]["currency"])
        if money else Markup(""))
    points = [*project.trend, ev] if not project.trend or project.trend[-1]["asOf"] != ev["asOf"] else list(
        project.trend)
    parts = [summary_sentence(project), facts, _chart(project, points, money), _table(points, money)]
    if report_links:
        items = Markup("\n").join(Markup('<li><a href="{}">{}</a></li>').format(href, label)
                                  for href, label in reversed(report_links))
        parts += [Markup('<h3 id="performance-reports">Monthly performance reports</h3>'),
                  Markup('<ul class="report-list" aria-labelledby="performance-reports">\n{}\n</ul>').format(items)]
    return Markup("\n\n").join(parts)


def _value(point: dict, key: str | None, *, money: bool, percent_key: str | None) -> float | None:
    if money:
        return float(Decimal(point[key]["amount"])) if key and point[key] is not None else None
    return point[percent_key] if percent_key else None


def _chart(project: Project, points: list[dict], money: bool) -> Markup:
    series = [(name, kind, [_value(p, key, money=money, percent_key=pct) for p in points])
              for name, kind, key, pct in SERIES if money or pct]
    if money:
        top = max([float(Decimal(project.earned_value["budgetAtCompletion"]["amount"])),  # type: ignore[index]
                   *(v for _, _, values in series for v in values if v is not None)])
        axis = ["0", _compact(top / 2), _compact(top)]
        what = "planned value, earned value and actual cost"
    else:
        top, axis, what = 100.0, ["0%", "50%", "100%"], "percent of the budget planned and earned"
    last = points[-1]
    return s_curve(chart_id=f"evm-{project.page_name}", title=f"{project.name}: cumulative {what}",
                   description=f"Month by month from {written_day(points[0]['asOf'])} to "
                               f"{written_day(last['asOf'])}. " + summary_sentence(project).striptags(),
                   labels=[short_day(p["asOf"]) for p in points], series=series, maximum=top, axis=axis)


def _compact(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:.0f}"


def _table(points: list[dict], money: bool) -> Markup:
    if money:
        headings = ("Period end", "Planned value", "Earned value", "Actual cost")
        rows = [Markup('<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>').format(
            day(p["asOf"]), amount(p["plannedValue"]), amount(p["earnedValue"]), amount(p["actualCost"]))
            for p in points]
    else:
        headings = ("Period end", "Planned, % of budget", "Earned, % of budget")
        rows = [Markup('<tr><th scope="row">{}</th><td>{:.1f}%</td><td>{:.1f}%</td></tr>').format(
            day(p["asOf"]), p["percentPlanned"] or 0.0, p["percentEarned"] or 0.0) for p in points]
    return Markup('<h3 id="earned-value-table">Earned value by month</h3>\n\n') + table(
        headings, rows, label_id="earned-value-table")
