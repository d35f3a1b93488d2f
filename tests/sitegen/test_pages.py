"""The microsite's project, report and CX pages, built from the hand-made transit snapshot."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import portal_theme
from sitegen.content import read_projects
from sitegen.render import SiteOptions
from tests.sitegen.snapshots import built_site, transit_snapshot


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _rows(page: str, label_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*aria-labelledby="{label_id}".*?</table>', page, flags=re.DOTALL).group(0)
    return [_text(row) for row in re.findall(r"<tr>.*?</tr>", table, flags=re.DOTALL)][1:]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory, transit_snapshot())


def _page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_home_shows_next_milestones_latest_reports_and_a_call_for_feedback(site):
    home = _page(site, "index.html")
    card = re.search(r'<li class="project-card">\s*<h3><a href="projects/trn-101.html">.*?</li>', home,
                     flags=re.DOTALL).group(0)

    assert "Next milestone: Station rollout wave 1, forecast 21 July 2025" in _text(card)
    assert "Next milestone" not in _text(home.replace(card, "").split("Latest status reports")[0])
    latest = re.search(r'<ul class="report-list">.*?</ul>', home, flags=re.DOTALL).group(0)
    assert re.findall(r'href="([^"]+)"', latest) == [f"reports/trn-101-2025-0{m}.html" for m in ("3-31", "2-28", "1-31")]
    assert '<a href="feedback.html">Give feedback</a>' in home


def test_milestones_show_baseline_forecast_status_and_slip_in_words(site):
    assert _rows(_page(site, "projects/trn-101.html"), "milestones") == [
        "Reader certification 14 March 2025 28 March 2025 Accepted, completed 27 March 2025 14 days late",
        "Station rollout wave 1 30 June 2025 21 July 2025 In progress 21 days late",
        "Back-office cutover 14 November 2025 7 November 2025 Not started 7 days early",
    ]


def test_progress_chart_is_labelled_and_has_its_data_table(site):
    page = _page(site, "projects/trn-101.html")
    svg = re.search(r"<svg class=\"chart__svg\".*?</svg>", page, flags=re.DOTALL).group(0)

    assert 'role="img"' in svg and 'aria-labelledby="progress-trn-101-title progress-trn-101-desc"' in svg
    assert '<title id="progress-trn-101-title">' in svg and '<desc id="progress-trn-101-desc">From 41% on' in svg
    assert len(re.findall(r'<polyline class="chart__line" points="([^"]+)"', svg)[0].split()) == 3
    assert _rows(page, "progress-over-time") == ["31 January 2025 41%", "28 February 2025 48%", "31 March 2025 62%"]


def test_budget_shows_only_where_financials_are_shared(site):
    shared = _page(site, "projects/trn-101.html")
    assert "610,000.00 USD spent of a budget of 1,250,000.00 USD (48.8% spent)." in _text(shared)
    assert 'aria-labelledby="budget-burn-title budget-burn-desc"' in shared
    assert 'id="budget"' not in _page(site, "projects/trn-104.html")


def test_risks_and_reports_are_listed_with_links_to_report_pages(site):
    page = _page(site, "projects/trn-101.html")
    assert _rows(page, "risks") == [
        ("Gate supplier lead times Risk Two stations wait on replacement gate cabinets. High Open "
         "Second supplier qualified in May.")
    ]
    links = re.findall(r'<ul class="report-list">.*?</ul>', page, flags=re.DOTALL)[0]
    hrefs = re.findall(r'href="([^"]+)"', links)
    assert hrefs == [f"../reports/trn-101-2025-0{m}.html" for m in ("3-31", "2-28", "1-31")]
    assert all((site / "projects" / href).resolve().is_file() for href in hrefs)
    assert "No risks or issues shared with you." in _page(site, "projects/trn-104.html")


def test_report_page_is_printable_without_site_chrome(site):
    page = _page(site, "reports/trn-101-2025-02-28.html")
    main = re.search(r"<main .*?</main>", page, flags=re.DOTALL).group(0)

    assert "<h1>February status</h1>" in main
    assert "<title>February status · Fare Collection Modernisation · Department of Transit Services</title>" in page
    assert "Issues Cabinet deliveries are late." in _text(main)
    assert "Next steps Finish the field trial." in _text(main)
    assert "Accomplishments None reported." in _text(main)
    css = (Path(portal_theme.__file__).parent / "assets" / "stylesheets" / "portal.css").read_text()
    print_rules = css[css.index("@media print") :]
    hidden = {s.strip() for s in re.search(r"([^{}]+)\{\s*display: none !important;", print_rules).group(1).split(",")}
    outside_main = page.replace(main, "")
    chrome = re.findall(r'<(?:header|nav|footer) class="([\w-]+)"', outside_main)
    assert sorted(chrome) == ["site-footer", "site-header", "site-nav"]
    assert {f".{name}" for name in chrome} | {".skip-link"} <= hidden
    assert 'class="back-link"' in main and ".back-link" in hidden


def test_satisfaction_trend_leaves_gaps_for_months_without_enough_responses(site):
    page = _page(site, "you-said-we-did.html")
    svg = re.search(r"<svg .*?</svg>", page, flags=re.DOTALL).group(0)

    assert "1 of 4 months had fewer than 5 responses" in _text(page)
    assert len(re.findall(r"<circle ", svg)) == 3
    assert [len(p.split()) for p in re.findall(r'<polyline class="chart__line" points="([^"]+)"', svg)] == [2]
    assert _rows(page, "satisfaction") == [
        "January 2025 8 72.5%", "February 2025 2 Not enough responses", "March 2025 11 81.0%", "April 2025 7 85.7%"
    ]


def test_done_actions_show_most_recent_first_with_what_was_said_and_done(site):
    items = re.findall(r'<li class="action-item">.*?</li>', _page(site, "you-said-we-did.html"), flags=re.DOTALL)

    assert [_text(item) for item in items] == [
        ("Earlier meeting notes Done 2 April 2025 You said Notes arrived a week after meetings. "
         "We did Notes now go out within two working days."),
        ("Plain-language status reports Done 10 March 2025 You said The reports were full of jargon. "
         "We did We rewrote the template with a glossary."),
    ]


def test_feedback_page_without_links_says_whom_to_ask(site):
    page = _page(site, "feedback.html")
    assert "Ask your project manager for a survey link." in _text(page)
    assert "feedback-links" not in page


def test_feedback_page_links_each_touchpoint_in_order(tmp_path_factory):
    links = {"SUPPORT": "https://rapport.example.org/s/support", "KICKOFF": "https://rapport.example.org/s/kick"}
    options = SiteOptions(brand_name="Northwind PMO", accent_color="#1f5f8b", logo_url=None, feedback_links=links)
    page = _page(built_site(tmp_path_factory, transit_snapshot(), options=options), "feedback.html")

    listed = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', page)
    assert listed == [("https://rapport.example.org/s/kick", "Project kickoff"),
                      ("https://rapport.example.org/s/support", "Support")]


@pytest.mark.parametrize("links", [{"LOBBY": "https://rapport.example.org/s/x"}, {"SUPPORT": "javascript:alert(1)"}])
def test_site_options_reject_unusable_feedback_links(links):
    with pytest.raises(ValueError):
        SiteOptions(brand_name="B", accent_color="#1f5f8b", logo_url=None, feedback_links=links)


def test_list_order_in_the_snapshot_does_not_change_the_pages(tmp_path_factory, site):
    snapshot = transit_snapshot()
    for edge in snapshot["client"]["projects"]["edges"]:
        for key in ("milestones", "risks", "statusReports"):
            edge["node"][key]["edges"].reverse()
    snapshot["actionItems"]["edges"].reverse()
    snapshot["client"]["cxSummary"]["trend"].reverse()
    shuffled = built_site(tmp_path_factory, snapshot)

    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert names == sorted(p.relative_to(shuffled).as_posix() for p in shuffled.rglob("*.html"))
    assert all((site / name).read_bytes() == (shuffled / name).read_bytes() for name in names)


def test_contacts_page_gives_each_projects_manager_and_how_to_reach_them(site):
    contacts = _page(site, "contacts.html")
    fare = re.search(r'<section class="contact-group" aria-labelledby="contacts-trn-101">.*?</section>', contacts,
                     flags=re.DOTALL).group(0)

    assert _text(re.search(r'<div class="contact-card">.*?</div>', fare, flags=re.DOTALL).group(0)) == (
        "Project manager Dana Reyes Senior Project Manager Email dana.reyes@pmo.example Phone +1 202 555 0147")
    assert '<a href="mailto:dana.reyes@pmo.example">' in fare and '<a href="tel:+12025550147">' in fare
    assert [_text(row) for row in re.findall(r"<tr>.*?</tr>", fare, flags=re.DOTALL)][1:] == [
        "Project manager Dana Reyes Northwind PMO (Project management office)",
        "Business analysis Sam Okafor Northwind PMO (Project management office)",
        "Gate installation Whole team Harbor Field Services LLC (Subcontractor)",
    ]
    audit = re.search(r'aria-labelledby="contacts-trn-120">.*?</section>', contacts, flags=re.DOTALL).group(0)
    assert "No project manager is named yet." in audit and "<table" not in audit
    headings = re.findall(r'<h2 id="contacts-[^"]+"><a href="projects/([^"]+)\.html">', contacts)
    assert headings == [p.page_name for p in read_projects(transit_snapshot())]


def test_contact_details_that_do_not_look_like_addresses_are_not_links(tmp_path_factory):
    snapshot = transit_snapshot()
    snapshot["client"]["projects"]["edges"][0]["node"]["manager"] = {
        "name": "Lee", "title": None, "email": "lee at pmo", "phone": "ext. 12"}
    contacts = _page(built_site(tmp_path_factory, snapshot), "contacts.html")

    assert "Email</dt><dd>lee at pmo</dd>" in contacts and "Phone</dt><dd>ext. 12</dd>" in contacts
    assert "mailto:lee" not in contacts and 'href="tel:' not in contacts.split("Lee")[1].split("</section>")[0]
