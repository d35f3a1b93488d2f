"""The HTML notice in headless Chromium: WCAG 2.2 AA by axe-core, and nothing fetched from anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser
from sqlalchemy import select

from api.auth.models import User
from api.delivery.notices import report_notice
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from tests.api.delivery.world import make_mail_world, publish
from tests.fixtures.browser import axe_violations, watch

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 812}],
                         ids=["desktop", "phone"])
async def test_the_report_notice_reads_well_and_loads_nothing(browser: Browser, app_settings: Settings,
                                                              artifacts: Path, viewport: dict[str, int]) -> None:
    engine = create_engine(app_settings.resolved_database_url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            world = await make_mail_world(session)
        await publish(sessions, world)
        async with sessions() as session:
            contact = await session.scalar(select(User.id).where(User.email == world.contact_email))
            notice = await report_notice(session, settings=app_settings, recipient_id=contact,
                                         report_id=world.report_id, survey_link="https://rapport.example/s/token")
    finally:
        await engine.dispose()

    context = await browser.new_context(viewport=viewport)
    log = watch(context, origin="about:blank")
    try:
        page = await context.new_page()
        await page.set_content(notice.html)
        assert await page.title() == notice.subject
        assert await page.get_by_role("heading", level=1).text_content() == world.report_title
        assert await page.get_by_role("link", name="Tell us in a minute").get_attribute("href") == (
            "https://rapport.example/s/token")
        assert not (report := await axe_violations(page)), report
        await page.screenshot(path=artifacts / f"report-notice-{viewport['width']}.png", full_page=True)
        assert not log.problems, log.problems
    finally:
        await context.close()
