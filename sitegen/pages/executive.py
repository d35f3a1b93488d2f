"""The executive summary: every project's health, progress, SPI and CPI, estimate against budget where the client
sees the money, and next milestone, with a totals row whose indices come from the portfolio's sums."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from sitegen.content import STATUS_LABELS, Project
from sitegen.pages.common import badge, day, page, table
from sitegen.pages.earned_value import amount, cost_words, index_text, schedule_words, shows_money

HEALTH_WORDS = {"GREEN": "on track", "AMBER": "needs attention", "RED": "at risk"}


def executive_page(client_name: str, portfolio: dict | None, projects: list[Project]) -> str:
    """The executive summary page's Markdown."""
    parts = [Markup("<h1>Executive summary</h1>"),
             Markup('<p class="lead">Earned value across {}\u2019s projects: where each stands against its plan and '
                    "its budget, as of the latest data.</p>").format(client_name)]
    measured = [p for p in projects if p.earned_value is not None and p.status != "CANCELLED"]
    if not measured:
        parts.append(Markup('<p class="muted">No project has earned value to show yet.</p>'))
        return page(parts)
    counts = {row["health"]: row["count"] for row in (portfolio or {}).get("healthCounts", [])}
    parts.append(Markup('<p>{}</p>').format(", ".join(
        f"{counts[h]} {HEALTH_WORDS[h]} ({h.lower()})" for h in ("GREEN", "AMBER", "RED") if counts.get(h))
        or "No project health recorded."))
    rows = [_row(project) for project in measured]
    rows += [_total(total, measured) for total in (portfolio or {}).get("totals", [])]
    parts += [Markup('<h2 id="portfolio">Portfolio</h2>'),
              table(("Project", "Health", "Complete", "Schedule (SPI)", "Cost (CPI)", "Estimate against budget",
                     "Next milestone"), rows, label_id="portfolio", css_class="portfolio-table"),
              Markup('<p class="muted">SPI is earned value over planned value, CPI earned value over actual cost: '
                     "below 1 is behind plan or over cost. Amounts appear only where a project shares its "
                     "financials.</p>")]
    return page(parts)


def _row(project: Project) -> Markup:
    ev = project.earned_value
    assert ev is not None
    spi, cpi = ev["schedulePerformanceIndex"], ev["costPerformanceIndex"]
    estimate = (Markup("{} of {} {}").format(amount(ev["estimateAtCompletion"]), amount(ev["budgetAtCompletion"]),
                                             ev["budgetAtCompletion"]["currency"])
                if shows_money(project) else Markup('<span class="muted">Not shared</span>'))
    return Markup(
        '<tr><th scope="row"><a href="projects/{}.html">{}</a> <span class="table-note">{}</span></th>'
        "<td>{}</td><td>{}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
        project.page_name, project.name, STATUS_LABELS[project.status], badge(project.health["overall"]),
        project.percent_complete, index_text(spi, schedule_words(spi)), index_text(cpi, cost_words(cpi)), estimate,
        _next(project.next_milestone))


def _next(milestone: dict | None) -> Markup:
    if milestone is None:
        return Markup('<span class="muted">None left</span>')
    slip = milestone["slipDays"]
    words = "on baseline" if slip == 0 else (f"{slip} days late" if slip > 0 else f"{-slip} days early")
    return Markup("{}, {} <span class=\"table-note\">{}</span>").format(milestone["name"],
                                                                        day(milestone["forecastDate"]), words)


def _total(total: dict, projects: list[Project]) -> Markup:
    spi, cpi = total["schedulePerformanceIndex"], total["costPerformanceIndex"]
    same = [p for p in projects if p.earned_value and (p.earned_value["budgetAtCompletion"] or {}).get(
        "currency") == total["currency"]]
    if total["budgetAtCompletion"] is not None and all(p.earned_value["estimateAtCompletion"] for p in same):
        eac = sum((Decimal(p.earned_value["estimateAtCompletion"]["amount"]) for p in same), Decimal(0))
        estimate = Markup("{} of {} {}").format(f"{eac:,.0f}", amount(total["budgetAtCompletion"]), total["currency"])
    else:
        estimate = Markup('<span class="muted">Not shared</span>')
    return Markup(
        '<tr class="portfolio-total"><th scope="row">All {} projects</th><td></td><td>{:.1f}% earned</td>'
        "<td>{}</td><td>{}</td><td>{}</td><td></td></tr>").format(
        total["projects"], total["percentEarned"] or 0.0, index_text(spi, schedule_words(spi)),
        index_text(cpi, cost_words(cpi)), estimate)
