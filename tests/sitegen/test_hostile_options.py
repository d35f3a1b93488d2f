"""A hostile value in every branding and site option reaches no built page as markup, and no alert fires in Chromium.

The options are validated before a build (logo, accent colour, links); these tests also switch that validation off,
to show that the theme itself escapes everything it writes.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from playwright.async_api import Browser, Dialog

from api.kit.errors import Validator
from api.sites.branding import check_branding
from api.sites.headers import CONTENT_SECURITY_POLICY
from sitegen import render
from sitegen.pages.cx import TOUCHPOINT_LABELS
from sitegen.render import SiteOptions
from tests.fixtures.browser import serving_folder, watch
from tests.sitegen.snapshots import built_site, hostile_snapshot

HOSTILE_LOGO = 'x" onerror="alert(1)'  # as it was found: it broke out of the logo's src attribute
HOSTILE = '"><script>alert(2)</script><img src=x onerror=alert(3)>'  # every other option
OUR_SCRIPTS = {"search-index.js", "assets/javascripts/search.js"}


def _hostile_site(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(render, "check_branding", lambda *_args, **_kwargs: None)  # as if validation let it through
    options = SiteOptions(brand_name=HOSTILE, accent_color="#1f5f8b", logo_url=HOSTILE_LOGO,
                          site_url=f"https://status.example/{HOSTILE}/",
                          feedback_links={touchpoint: f"https://survey.example/{HOSTILE}" for touchpoint in TOUCHPOINT_LABELS})
    snapshot = hostile_snapshot()
    snapshot["client"]["name"] = HOSTILE
    return built_site(tmp_path_factory, snapshot, options=options)


class _Markup(HTMLParser):
    """What a page's markup does: handler attributes, scripts, images, links to javascript:."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.csp: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.problems += [f"<{tag} {name}=...>" for name in values if name.startswith("on")]
        if tag == "script" and not (values.get("src") or "").lstrip("./").endswith(tuple(OUR_SCRIPTS)):
            self.problems.append(f"<script src={values.get('src')!r}>")
        if tag in {"img", "iframe", "object", "embed", "base", "style"} and not (
                tag == "img" and values.get("class") == "site-header__logo"):
            self.problems.append(f"<{tag}>")
        for name in ("href", "src", "action"):
            if (values.get(name) or "").strip().lower().startswith(("javascript:", "data:text")):
                self.problems.append(f"<{tag} {name}={values[name]!r}>")
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(values.get("content") or "")


def test_no_built_file_carries_a_hostile_option_as_markup(tmp_path_factory: pytest.TempPathFactory,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    site = _hostile_site(tmp_path_factory, monkeypatch)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parsed = _Markup()
        parsed.feed(text)
        parsed.close()
        assert parsed.problems == [], f"{page.relative_to(site)}: {parsed.problems}"
        assert parsed.csp == [CONTENT_SECURITY_POLICY], page
        assert "<style" not in text and " style=" not in text, page
        assert 'x&#34; onerror=&#34;alert(1)" alt=""' in text, page
        assert "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in text, page
    ElementTree.parse(site / "sitemap.xml")  # well-formed: the hostile site address is escaped there too
    assert "<script" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert (site / "assets/stylesheets/brand.css").read_text() == ":root { --accent: #1f5f8b; }\n"


@pytest.mark.parametrize("logo_url", [
    'x" onerror="alert(1)', "x onerror=alert(1)", "https://cdn.example/logo.png", "//cdn.example/logo.png",
    "/logo.png", "javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "data:image/svg+xml,<svg onload=alert(1)>",
    "../../logo.png", "assets/../logo.png", "logo.png\n", "logo<.png", "a\\b.png", "data:image/png;base64," + "A" * 500,
])
def test_a_logo_address_that_is_not_a_plain_site_path_or_data_image_is_refused(logo_url: str) -> None:
    validator = Validator()
    check_branding(validator, accent_color=None, logo_url=logo_url)
    assert [problem.field for problem in validator.problems] == ["logoUrl"]
    with pytest.raises(ValueError, match="logo must be"):
        SiteOptions(brand_name="PMO", accent_color="#1f5f8b", logo_url=logo_url)


@pytest.mark.parametrize("logo_url", ["logo.png", "assets/images/logo-2026.svg", "brand/%C3%A9t%C3%A9.png",
                                      "data:image/png;base64,iVBORw0KGgo=", "data:image/svg+xml;base64,PHN2Zy8+"])
def test_plain_site_paths_and_data_images_are_accepted(logo_url: str) -> None:
    validator = Validator()
    check_branding(validator, accent_color=None, logo_url=logo_url)
    assert validator.problems == []


@pytest.mark.parametrize("accent_color", ["#1f5f8b; } body { display: none", "red", "#1f5f8b\n", "</style>"])
def test_an_accent_colour_that_is_not_a_hex_colour_is_refused(accent_color: str) -> None:
    with pytest.raises(ValueError, match="accent colour must look like"):
        SiteOptions(brand_name="PMO", accent_color=accent_color, logo_url=None)


@pytest.mark.asyncio(loop_scope="session")
async def test_no_alert_fires_on_any_page_of_the_hostile_site(browser: Browser,
                                                              tmp_path_factory: pytest.TempPathFactory,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    site = _hostile_site(tmp_path_factory, monkeypatch)
    dialogs: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    with serving_folder(site) as base_url:
        context = await browser.new_context()
        log = watch(context, origin=base_url)  # a refused inline handler is a console error
        try:
            page = await context.new_page()
            page.on("dialog", dismiss)
            for path in sorted(site.rglob("*.html")):
                await page.goto(f"{base_url}/{path.relative_to(site).as_posix()}")
                await page.wait_for_load_state("load")
        finally:
            await context.close()
    assert dialogs == []
    # The hostile logo address (escaped, so a path like any other) names no file: its 404 is expected.
    assert [problem for problem in log.problems if not problem.startswith("console error: Failed to load")] == []
