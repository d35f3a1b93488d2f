"""The demo clients' published microsites in headless Chromium, served over real HTTP.

Every page of one client's site (and every other client's home page) loads with no console or page
error, asks nothing of any other origin and meets WCAG 2.2 AA by axe-core; the site fits a phone, works
from the keyboard, and its reports print on A4 without the site's navigation.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from api.database import upgrade_database
from api.demo.seed import seed_demo
from api.kit.database import create_engine, create_session_factory
from api.sites.models import BuildState
from sitegen import foreground, pipeline
from tests.fixtures.auth import settings_for
from tests.fixtures.browser import axe_violations, preload_axe, serving_folder, watch
from tests.fixtures.database import BACKENDS, create_empty_database, drop_database

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Pairs of labels in one chart whose rendered boxes overlap, as "first / second".
OVERLAPPING_CHART_LABELS = """() => [...document.querySelectorAll("svg.chart__svg")].flatMap(svg => {
  const boxes = [...svg.querySelectorAll("text")].map(text => [text.textContent, text.getBBox()]);
  return boxes.flatMap(([first, a], i) => boxes.slice(i + 1)
    .filter(([, b]) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
    .map(([second]) => `${first} / ${second}`));
})"""
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
# The demo client whose whole site goes through axe-core (the smallest); the others' sites are sampled.
AUDITED_CLIENT = "bright-harbor-food"


@dataclass(frozen=True)
class PublishedSites:
    """The demo sites served over HTTP: the server's address and each client's pages as site-root paths."""

    base_url: str
    backend: str
    pages: dict[str, list[str]]

    def url(self, path: str) -> str:
        """The address of one page."""
        return f"{self.base_url}/{path}"


async def _publish_demo(database_url: str, folder: Path) -> list[pipeline.BuildOutcome]:
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        async with session_factory() as session:
            await seed_demo(session, today=date.today())
            await session.commit()
        return await foreground.build_sites(session_factory, settings=settings_for(database_url, folder))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublishedSites]:
    """Every demo client's site, built from the demo data set on one backend and published into a served folder."""
    database_url, database_name = create_empty_database(request.param, tmp_path_factory.mktemp("browser-db"))
    try:
        upgrade_database(database_url)
        folder = tmp_path_factory.mktemp("browser-sites")
        outcomes = asyncio.run(_publish_demo(database_url, folder))
        assert {outcome.state for outcome in outcomes} == {BuildState.PUBLISHED}
        sites = folder / "sites"
        pages = {
            outcome.slug: sorted(page.relative_to(sites).as_posix() for page in (sites / outcome.site_path).rglob("*.html"))
            for outcome in outcomes
        }
        with serving_folder(sites) as base_url:
            yield PublishedSites(base_url=base_url, backend=request.param, pages=pages)
    finally:
        if database_name:
            drop_database(database_name)


def _page_sizes(pdf: bytes) -> set[tuple[int, int]]:
    """The sizes, in points, of a PDF's pages: A4 is 595 x 842."""
    return {(round(float(w)), round(float(h))) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}


def _kind(path: str) -> str:
    """A page's kind: its folder (projects, reports) or, at the site's top, its own name."""
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else parts[-1]


def _page_of_kind(pages: list[str], kind: str) -> str:
    return next(path for path in pages if _kind(path) == kind)


async def _visit(page: Page, url: str) -> None:
    response = await page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    assert await page.get_attribute('meta[name="referrer"]', "content") == "no-referrer", url
    assert await page.get_attribute('meta[name="robots"]', "content") == "noindex, nofollow", url


async def test_every_page_of_a_site_loads_cleanly_and_meets_wcag_22_aa(
        browser: Browser, published: PublishedSites, artifacts: Path) -> None:
    pages = published.pages[AUDITED_CLIENT]
    assert {_kind(path) for path in pages} == {"index.html", "executive-summary.html", "you-said-we-did.html",
                                               "feedback.html", "contacts.html", "search.html", "projects", "reports",
                                               "performance"}
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await preload_axe(context)
    log = watch(context, origin=published.base_url)
    try:
        page = await context.new_page()
        photographed = {_page_of_kind(pages, "index.html"): "home", _page_of_kind(pages, "projects"): "project",
                        _page_of_kind(pages, "executive-summary.html"): "executive-summary",
                        _page_of_kind(pages, "performance"): "performance-report"}
        violations, overlaps = [], []
        for path in pages:
            await _visit(page, published.url(path))
            violations.append(await axe_violations(page))
            overlaps += [f"{path}: {pair}" for pair in await page.evaluate(OVERLAPPING_CHART_LABELS)]
            if path in photographed:
                shot = artifacts / f"microsite-{photographed[path]}-{published.backend}.png"
                await page.screenshot(path=shot, full_page=True)
    finally:
        await context.close()
    assert not any(violations), "\n".join(filter(None, violations))
    assert not log.problems, log.problems
    assert not overlaps, overlaps


async def test_the_other_sites_home_pages_load_cleanly_and_meet_wcag_22_aa(
        browser: Browser, published: PublishedSites) -> None:
    # Home pages change most with the data (closed and planned projects); the other pages are the audited
    # site's templates again.
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await preload_axe(context)
    log = watch(context, origin=published.base_url)
    try:
        page = await context.new_page()
        chosen = [_page_of_kind(pages, "index.html") for slug, pages in published.pages.items()
                  if slug != AUDITED_CLIENT]
        violations, closed_project_tables = [], 0
        for path in chosen:
            await _visit(page, published.url(path))
            violations.append(await axe_violations(page))
            closed_project_tables += await page.locator('[aria-labelledby="closed-projects"]').count()
    finally:
        await context.close()
    assert not any(violations), "\n".join(filter(None, violations))
    assert not log.problems, log.problems
    assert closed_project_tables, "no home page sampled shows closed projects"


async def test_a_site_fits_a_phone_and_stays_accessible_there(
        browser: Browser, published: PublishedSites, artifacts: Path) -> None:
    pages = published.pages[AUDITED_CLIENT]
    context = await browser.new_context(**PHONE)
    await preload_axe(context)
    log = watch(context, origin=published.base_url)
    try:
        page = await context.new_page()
        violations, overflowing = [], []
        for path in [path for path in pages if _kind(path) != "reports"] + [_page_of_kind(pages, "reports")]:
            await _visit(page, published.url(path))
            widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if widths[0] > widths[1]:
                overflowing.append(f"{path}: {widths[0]} px wide in a {widths[1]} px viewport")
            violations.append(await axe_violations(page))
            if path.endswith("/index.html"):
                await page.screenshot(path=artifacts / f"microsite-home-phone-{published.backend}.png", full_page=True)
    finally:
        await context.close()
    assert not overflowing, overflowing
    assert not any(violations), "\n".join(filter(None, violations))
    assert not log.problems, log.problems


async def test_the_header_search_box_finds_pages_offline_and_its_results_meet_wcag_22_aa(
        browser: Browser, published: PublishedSites) -> None:
    pages = published.pages[AUDITED_CLIENT]
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await preload_axe(context)
    log = watch(context, origin=published.base_url)
    try:
        page = await context.new_page()
        await _visit(page, published.url(_page_of_kind(pages, "projects")))
        project_name = (await page.locator("main h1").text_content()).strip()
        await page.get_by_role("searchbox", name="Search this site").fill(project_name)
        await page.keyboard.press("Enter")
        await page.wait_for_url(re.compile(r"/search\.html\?q="))
        results = page.locator("#search-results a")
        assert await results.count() >= 1
        assert (await results.first.text_content()) == project_name
        assert re.fullmatch(r"\d+ pages? match “.+”\.", (await page.locator("#search-status").text_content()))
        assert await page.get_by_role("searchbox", name="Search this site").input_value() == project_name
        violations = await axe_violations(page)
        await results.first.click()
        await page.wait_for_url(published.url(_page_of_kind(pages, "projects")))
    finally:
        await context.close()
    assert not violations, violations
    assert not log.problems, log.problems


async def test_the_skip_link_comes_first_shows_on_focus_and_moves_to_the_content(
        browser: Browser, published: PublishedSites) -> None:
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await _visit(page, published.url(_page_of_kind(published.pages[AUDITED_CLIENT], "projects")))
        await page.keyboard.press("Tab")
        skip_link = page.locator(":focus")
        assert await skip_link.text_content() == "Skip to main content"
        box = await skip_link.bounding_box()
        assert box is not None and box["y"] >= 0 and box["height"] > 0, "the focused skip link is off screen"
        assert await skip_link.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.id") == "content"
        await page.keyboard.press("Tab")
        assert await page.locator(":focus").text_content() == "← All projects"
    finally:
        await context.close()


async def test_a_report_prints_its_content_without_the_site_navigation(
        browser: Browser, published: PublishedSites, artifacts: Path) -> None:
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await _visit(page, published.url(_page_of_kind(published.pages[AUDITED_CLIENT], "reports")))
        await page.emulate_media(media="print")
        # Whatever the header holds (a search box too) goes with it; a search form elsewhere must hide itself.
        for selector in (".site-header", ".site-nav", ".skip-link", ".back-link"):
            assert await page.eval_on_selector(selector, "e => getComputedStyle(e).display") == "none", selector
        for selector in ("header", "nav", "search", "[role=search]", "form"):
            for element in await page.query_selector_all(selector):
                assert not await element.is_visible(), f"{selector} prints"
        content = page.get_by_role("main")
        assert await content.evaluate("e => getComputedStyle(e).display") != "none"
        for name in ("Summary", "Accomplishments", "Next steps", "Issues", "Health at publication"):
            assert await content.get_by_role("heading", level=2, name=name).is_visible(), name
        assert await content.get_by_role("table").is_visible()
        # Asked for Letter, Chromium prints on A4 (595 x 842 points) only if the stylesheet's @page rule holds.
        pdf = await page.pdf(format="Letter", prefer_css_page_size=True)
        assert _page_sizes(pdf) == {(595, 842)}, _page_sizes(pdf)
        (artifacts / f"microsite-report-{published.backend}.pdf").write_bytes(pdf)
    finally:
        await context.close()


async def test_a_monthly_performance_report_prints_on_a4_with_its_table_whole(
        browser: Browser, published: PublishedSites, artifacts: Path) -> None:
    context = await browser.new_context()
    try:
        page = await context.new_page()
        pages = published.pages[AUDITED_CLIENT]
        await _visit(page, published.url(sorted(p for p in pages if _kind(p) == "performance")[-1]))
        await page.emulate_media(media="print")
        for selector in (".site-header", ".site-nav", ".back-link"):
            assert await page.eval_on_selector(selector, "e => getComputedStyle(e).display") == "none", selector
        content = page.get_by_role("main")
        assert (await content.get_by_role("heading", level=1).text_content()).startswith("Monthly performance report")
        for name in ("Performance by milestone", "Variance analysis"):
            assert await content.get_by_role("heading", level=2, name=name).is_visible(), name
        table = content.locator("table.performance-table")
        assert await table.locator("tfoot th").text_content() == "Project total"
        # The table fits the printed page's width: nothing is cut at the right margin.
        widths = await table.evaluate("t => [t.scrollWidth, t.closest('main').clientWidth]")
        assert widths[0] <= widths[1], widths
        pdf = await page.pdf(format="Letter", prefer_css_page_size=True)
        assert _page_sizes(pdf) == {(595, 842)}, _page_sizes(pdf)
        (artifacts / f"microsite-performance-report-{published.backend}.pdf").write_bytes(pdf)
    finally:
        await context.close()
