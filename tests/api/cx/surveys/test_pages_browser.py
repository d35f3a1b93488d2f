"""The survey page in headless Chromium over real HTTP: answered with and without JavaScript, WCAG 2.2 AA."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser

from api.cx.feedback.models import FeedbackChannel
from api.cx.models import Touchpoint
from api.settings import Settings
from tests.api.cx.conftest import stored_answers, survey_link
from tests.fixtures.browser import FORM_SCREENS, axe_violations, check_accessible, heading, watch

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.mark.parametrize(("javascript", "screen"), [(True, "desktop"), (False, "phone")],
                         ids=["javascript-desktop", "no-javascript-phone"])
async def test_a_contact_answers_the_survey_in_chromium(browser: Browser, served: str, app_settings: Settings,
                                                        artifacts: Path, javascript: bool, screen: str) -> None:
    link = await survey_link(app_settings, touchpoint=Touchpoint.CLOSEOUT)
    context = await browser.new_context(java_script_enabled=javascript, **FORM_SCREENS[screen])
    auditor = None if javascript else await browser.new_context(**FORM_SCREENS[screen])
    log = watch(context, origin=served)
    try:
        page = await context.new_page()
        opened = await page.goto(served + link.path)
        assert opened is not None and opened.status == 200
        assert await heading(page) == "Tell us about the project"
        await check_accessible(page, auditor)
        assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

        # Controls are found by the names a screen reader announces: the legend of each group and each label.
        await page.get_by_role("group", name="How likely are you to recommend us").get_by_label("9").check()
        await page.get_by_role("group", name="How satisfied are you with the project?").get_by_label("4").check()
        await page.get_by_label("slow response").check()
        await page.get_by_label("Anything you would like to tell us?").fill("Clear reports, slow replies.")
        await page.screenshot(path=artifacts / f"survey-form-{screen}.png", full_page=True)
        await page.get_by_role("button", name="Send my answers").click()

        await page.wait_for_url(f"{served}{link.path}/thanks")
        assert await heading(page) == "Thank you"
        await check_accessible(page, auditor)

        [feedback], _, invitation = await stored_answers(app_settings)
        assert (feedback.nps, feedback.csat, feedback.ces) == (9, 4, None)
        assert feedback.comment == "Clear reports, slow replies." and feedback.pain_points == ["slow-response"]
        assert feedback.channel is FeedbackChannel.SURVEY_LINK and feedback.invitation_id == link.invitation_id
        assert invitation.uses == 1

        used = await page.goto(served + link.path)
        assert used is not None and used.status == 410
        assert await heading(page) == "This survey is closed"
        assert "already been used" in await page.get_by_role("main").text_content()
        await check_accessible(page, auditor)
        assert len((await stored_answers(app_settings))[0]) == 1
    finally:
        await context.close()
        if auditor is not None:
            await auditor.close()
    assert not log.problems, log.problems


async def test_closed_broken_and_refused_answers_read_well(browser: Browser, served: str,
                                                           app_settings: Settings) -> None:
    expired = await survey_link(app_settings, age=timedelta(days=3), lifetime=timedelta(days=2))
    open_link = await survey_link(app_settings)
    context = await browser.new_context()
    log = watch(context, origin=served)
    try:
        page = await context.new_page()
        for path, status, title in ((expired.path, 410, "This survey is closed"),
                                    ("/s/not-a-token", 404, "Survey not found")):
            response = await page.goto(served + path)
            assert response is not None and response.status == status
            assert await heading(page) == title
            assert not (report := await axe_violations(page)), report

        # A browser without constraint validation sends the form unanswered: the server says what is missing.
        await page.goto(served + open_link.path)
        await page.eval_on_selector("form", "form => { form.noValidate = true; }")
        async with page.expect_response(served + open_link.path) as answered:
            await page.get_by_role("button", name="Send my answers").click()
        assert (await answered.value).status == 422
        alert = page.get_by_role("alert")
        assert "Please check your answers" in await alert.text_content()
        assert not (report := await axe_violations(page)), report
    finally:
        await context.close()
    assert not log.problems, log.problems
    assert (await stored_answers(app_settings))[0] == []
