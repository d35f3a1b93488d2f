"""The executive summary, the project page's S-curve and the monthly performance reports, from snapshot values:
words for every index, amounts only where the snapshot holds them."""

from __future__ import annotations

import re

from sitegen.content import Project
from sitegen.pages.earned_value import earned_value_section
from sitegen.pages.executive import executive_page
from sitegen.pages.performance import performance_pages


def _money(amount: str | None) -> dict | None:
    return {"amount": amount, "currency": "USD"} if amount is not None else None


def _point(as_of: str, pv: str, ev: str, ac: str, *, shared: bool, spi: float, cpi: float) -> dict:
    def m(value: str) -> dict | None:
        return _money(value) if shared else None

    return {"asOf": as_of, "budgetAtCompletion": m("800000.00"), "plannedValue": m(pv), "earnedValue": m(ev),
            "actualCost": m(ac), "scheduleVariance": m("0"), "costVariance": m("0"),
            "estimateAtCompletion": m("887804.88"), "varianceAtCompletion": m("-87804.88"),
            "schedulePerformanceIndex": spi, "costPerformanceIndex": cpi,
            "percentPlanned": round(float(pv) * 100 / 800000, 1), "percentEarned": round(float(ev) * 100 / 800000, 1),
            "milestones": [
                {"milestone": {"id": "TTox", "name": "Design approved"}, "budgetAtCompletion": m("300000.00"),
                 "plannedValue": m("300000.00"), "earnedValue": m("300000.00"), "percentPlanned": 100.0,
                 "percentEarned": 100.0},
                {"milestone": {"id": "TToy", "name": "Pilot live"}, "budgetAtCompletion": m("500000.00"),
                 "plannedValue": m(str(float(pv) - 300000)), "earnedValue": m(str(float(ev) - 300000)),
                 "percentPlanned": 44.0, "percentEarned": 22.4}]}


def _project(*, shared: bool, code: str = "HB-1") -> Project:
    trend = (_point("2026-02-28", "400000.00", "380000.00", "410000.00", shared=shared, spi=0.95, cpi=0.927),
             _point("2026-03-31", "520000.00", "412000.00", "455000.00", shared=shared, spi=0.792, cpi=0.905))
    return Project(code=code, name=f"Harbor {code}", summary="", status="ACTIVE", phase="EXECUTION",
                   percent_complete=51, start_date="2026-01-01", end_date="2026-12-31",
                   health={"overall": "AMBER", "schedule": "RED", "cost": "AMBER", "scope": "GREEN",
                           "quality": "GREEN"},
                   next_milestone={"name": "Pilot live", "baselineDate": "2026-05-01", "forecastDate": "2026-05-22",
                                   "slipDays": 21},
                   earned_value=trend[-1], trend=trend)


def test_the_s_curve_section_tells_the_numbers_in_words_with_a_table() -> None:
    section = earned_value_section(_project(shared=True), report_links=[("../performance/x.html", "March 2026")])
    assert "Earned 412,000 of 520,000 planned; cost 455,000 (USD)." in section
    assert "Schedule: behind plan. Cost: over cost." in section
    assert section.count("<polyline") == 3 and 'role="img"' in section
    assert "Planned value" in section and "410,000" in section and "March 2026" in section


def test_without_shared_financials_the_curve_is_in_percent_and_no_amount_is_written() -> None:
    section = earned_value_section(_project(shared=False), report_links=[])
    assert "Earned 51.5% of the budget against 65.0% planned." in section
    assert section.count("<polyline") == 2  # planned and earned: actual cost has no percentage to show
    assert not re.search(r"\d{2,3},\d{3}", section)


def test_the_executive_summary_has_a_row_per_project_words_for_colours_and_a_totals_row() -> None:
    portfolio = {"totals": [{"currency": "USD", "projects": 2, "budgetAtCompletion": None, "plannedValue": None,
                             "earnedValue": None, "actualCost": None, "schedulePerformanceIndex": 0.792,
                             "costPerformanceIndex": 0.905, "percentPlanned": 65.0, "percentEarned": 51.5}],
                 "healthCounts": [{"health": "AMBER", "count": 2}]}
    page = executive_page("Harbor Authority", portfolio, [_project(shared=True), _project(shared=False, code="HB-2")])
    assert page.count("behind plan<") == 3 and page.count("over cost<") == 3  # two projects and the total
    assert "887,805 of 800,000 USD" in page and "Not shared" in page
    assert "Pilot live" in page and "21 days late" in page
    assert "All 2 projects" in page and "2 needs attention (amber)" in page


def test_a_monthly_report_per_closed_month_with_a_row_per_milestone_and_the_total() -> None:
    pages = performance_pages(_project(shared=True))
    assert sorted(pages) == ["performance/hb-1-2026-02.md", "performance/hb-1-2026-03.md"]
    march = pages["performance/hb-1-2026-03.md"]
    assert "Monthly performance report: March 2026" in march and "IPMDAR Format 1" in march
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", march)
    assert [name for name, _ in rows] == ["Design approved", "Pilot live", "Project total"]
    total = re.findall(r"<td>(.*?)</td>", rows[-1][1])
    # Current period PV, EV, AC, SV, CV; cumulative PV, EV, AC, SV, CV; BAC, EAC, VAC.
    assert total == ["120,000", "32,000", "45,000", "-88,000", "-13,000", "520,000", "412,000", "455,000",
                     "-108,000", "-43,000", "800,000", "887,805", "-87,805"]
    hidden = performance_pages(_project(shared=False))["performance/hb-1-2026-03.md"]
    assert not re.search(r"\d{2,3},\d{3}", hidden) and "65.0%" in hidden
