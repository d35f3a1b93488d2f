"""The HTML notice in headless Chromium: WCAG 2.2 AA by axe-core, and nothing fetched from anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser
from sqlalchemy import select

from api.auth.models import User
from api.delivery.notices import endpoint_notice, report_notice
from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from api.webhooks.models import EndpointOwner, WebhookEndpoint
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


@pytest.mark.parametrize("disabled", [False, True], ids=["failing", "disabled"])
async def test_the_webhook_owners_notice_reads_well_and_loads_nothing(browser: Browser, app_settings: Settings,
                                                                      disabled: bool) -> None:
    engine = create_engine(app_settings.resolved_database_url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            world = await make_mail_world(session)
            pmo_id = world.staff.grants[0].organization_id
            endpoint = WebhookEndpoint(url="https://hooks.example/rapport?x=<b>", description="ERP <sync>",
                                       event_types=["site.published"], client_id=world.client_id,
                                       owner=EndpointOwner.PMO, owner_organization_id=pmo_id,
                                       disabled_at=utcnow() if disabled else None,
                                       disabled_reason="requests kept failing for 3.2 days (10 attempts)")
            session.add(endpoint)
            await session.commit()
            notice = await endpoint_notice(session, settings=app_settings, recipient_id=world.staff.user_id,
                                           endpoint_id=endpoint.id, disabled=disabled, error="HTTP 503: <html>")
    finally:
        await engine.dispose()

    assert "<b>" not in notice.html and "&lt;b&gt;" in notice.html  # every value is escaped
    context = await browser.new_context()
    log = watch(context, origin="about:blank")
    try:
        page = await context.new_page()
        await page.set_content(notice.html)
        assert await page.title() == notice.subject
        heading = await page.get_by_role("heading", level=1).text_content()
        assert heading == ("Your webhook endpoint was disabled" if disabled
                           else "Requests to your webhook endpoint keep failing")
        assert not (report := await axe_violations(page)), report
        assert not log.problems, log.problems
    finally:
        await context.close()
