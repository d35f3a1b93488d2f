"""The update request form in headless Chromium over real HTTP: answered with and without JavaScript, WCAG 2.2 AA."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser
from sqlalchemy import select

from api.kit.database import create_engine, create_session_factory
from api.projects.models import Milestone
from api.settings import Settings
from api.update_requests.models import UpdateRequest, UpdateRequestState
from tests.api.update_requests.conftest import ask
from tests.fixtures.browser import FORM_SCREENS, axe_violations, check_accessible, heading, watch

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _stored(settings: Settings, request_id: int, milestone_id: int) -> tuple[UpdateRequestState, int]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            state = await session.scalar(select(UpdateRequest.state).where(UpdateRequest.id == request_id))
            percent = await session.scalar(select(Milestone.percent_complete).where(Milestone.id == milestone_id))
            return state, percent
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("javascript", "screen"), [(True, "desktop"), (False, "phone")],
                         ids=["javascript-desktop", "no-javascript-phone"])
async def test_a_subcontractor_answers_an_update_request_in_chromium(browser: Browser, served: str,
                                                                     app_settings: Settings, artifacts: Path,
                                                                     javascript: bool, screen: str) -> None:
    asked = await ask(app_settings)
    context = await browser.new_context(java_script_enabled=javascript, **FORM_SCREENS[screen])
    auditor = None if javascript else await browser.new_context(**FORM_SCREENS[screen])
    log = watch(context, origin=served)
    try:
        page = await context.new_page()
        opened = await page.goto(served + asked.path)
        assert opened is not None and opened.status == 200
        assert await heading(page) == "Update requested: HB-1 Berth dredging"
        await check_accessible(page, auditor)
        assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

        milestone = page.get_by_role("group", name="Survey complete")
        await milestone.get_by_label("Percent complete (0 to 100)").fill("75")
        await milestone.get_by_label("Note for the team (optional)").fill("North berth done.")
        risk = page.get_by_role("group", name="Silt levels")
        await risk.get_by_label("Status").select_option("MITIGATING")
        await page.screenshot(path=artifacts / f"update-request-{screen}.png", full_page=True)
        await page.get_by_role("button", name="Send update").click()

        await page.wait_for_url(f"{served}/updates/thanks")
        assert await heading(page) == "Thank you"
        await check_accessible(page, auditor)
        assert await _stored(app_settings, asked.request_id, asked.milestone_a) == (UpdateRequestState.ANSWERED, 75)

        used = await page.goto(served + asked.path)
        assert used is not None and used.status == 410
        assert await heading(page) == "This link can no longer be used"
        await check_accessible(page, auditor)
    finally:
        await context.close()
        if auditor is not None:
            await auditor.close()
    assert not log.problems, log.problems


async def test_a_refused_answer_reads_well(browser: Browser, served: str, app_settings: Settings) -> None:
    asked = await ask(app_settings)
    context = await browser.new_context()
    log = watch(context, origin=served)
    try:
        page = await context.new_page()
        await page.goto(served + asked.path)
        await page.eval_on_selector("form", "form => { form.noValidate = true; }")
        await page.get_by_role("group", name="Survey complete").get_by_label("Percent complete (0 to 100)").fill("150")
        async with page.expect_response(served + asked.path) as answered:
            await page.get_by_role("button", name="Send update").click()
        assert (await answered.value).status == 422
        assert "Please check your update" in await page.get_by_role("alert").text_content()
        assert not (report := await axe_violations(page)), report
        expired = await page.goto(served + "/updates/not-a-token")
        assert expired is not None and expired.status == 404 and await heading(page) == "Link not found"
        assert not (report := await axe_violations(page)), report
    finally:
        await context.close()
    assert not log.problems, log.problems
    assert await _stored(app_settings, asked.request_id, asked.milestone_a) == (UpdateRequestState.OPEN, 20)
