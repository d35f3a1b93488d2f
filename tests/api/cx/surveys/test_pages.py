"""The survey page behind a survey link, through HTTP on a committed database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from api.app import create_app
from api.auth.models import Membership, User
from api.cx.feedback.models import FeedbackChannel
from api.cx.models import Touchpoint
from api.cx.surveys.models import SurveyInvitation
from api.cx.surveys.pages import RateLimiter
from api.cx.surveys.site_links import site_survey_links
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from api.sites import service as site_service
from tests.api.cx.conftest import stored_answers, survey_link
from tests.fixtures.auth import token_for

FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{64})"')


@pytest.fixture
def http(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def _form(http: TestClient, path: str, **fields: str) -> dict[str, str]:
    page = http.get(path)
    assert page.status_code == 200
    return {"form_token": FORM_TOKEN.search(page.text).group(1), **fields}


def test_a_valid_link_shows_an_accessible_self_contained_form(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings))
    page = http.get(link.path)
    assert page.status_code == 200
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    assert '<meta name="referrer" content="no-referrer">' in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer" and "noindex" in page.headers["X-Robots-Tag"]
    assert "http" not in page.text and "//" not in page.text.replace("<!doctype html>", "")
    assert "<script" not in page.text
    assert page.text.count('type="radio" id="csat-') == 5 and page.text.count('type="radio" id="ces-') == 7
    assert 'name="nps"' not in page.text
    assert page.text.count("<fieldset") == 3 and page.text.count("<legend>") == 3
    assert 'value="reporting-delays"' in page.text and '<textarea id="comment"' in page.text
    assert FORM_TOKEN.search(page.text)


def test_an_answer_is_stored_once_and_redirects_to_thanks(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings))
    form = _form(http, link.path, csat="4", ces="6", comment="Clear report.", pain_points="slow-response")
    answered = http.post(link.path, data=form, follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"] == f"{link.path}/thanks"
    assert "Thank you" in http.get(answered.headers["location"]).text
    [feedback], items, invitation = asyncio.run(stored_answers(app_settings))
    assert (feedback.csat, feedback.ces, feedback.nps, feedback.comment) == (4, 6, None, "Clear report.")
    assert feedback.pain_points == ["slow-response"] and feedback.channel is FeedbackChannel.SURVEY_LINK
    assert (feedback.invitation_id, feedback.respondent_id) == (link.invitation_id, link.contact_id)
    assert feedback.project_id == link.project_id and feedback.touchpoint is Touchpoint.STATUS_REPORT
    assert invitation.uses == 1 and invitation.responded_at is not None and items == 0
    again = http.post(link.path, data=form, follow_redirects=False)
    assert again.status_code == 410 and "already been used" in again.text
    assert http.get(link.path).status_code == 410
    assert len(asyncio.run(stored_answers(app_settings))[0]) == 1


def test_a_detractor_answer_opens_a_follow_up(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings, touchpoint=Touchpoint.CLOSEOUT))
    page = http.get(link.path).text
    assert 'name="nps"' in page and 'name="csat"' in page and 'name="ces"' not in page
    answered = http.post(link.path, data=_form(http, link.path, nps="3", csat="2"), follow_redirects=False)
    assert answered.status_code == 303
    [feedback], items, _ = asyncio.run(stored_answers(app_settings))
    assert (feedback.nps, feedback.csat, items) == (3, 2, 1)


def test_an_expired_link_is_gone_and_stores_nothing(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings, age=timedelta(days=3), lifetime=timedelta(days=2)))
    page = http.get(link.path)
    assert page.status_code == 410 and "expired" in page.text
    assert http.post(link.path, data={"csat": "5", "ces": "5"}).status_code == 410
    assert asyncio.run(stored_answers(app_settings))[0] == []


def test_tampered_and_foreign_tokens_are_not_found(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings))
    head, _, signature = link.path.rpartition(".")
    tampered = f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    access = f"/s/{token_for(app_settings, link.contact_id)}"
    for path in (tampered, access, "/s/not-a-token"):
        assert http.get(path).status_code == 404
        assert http.post(path, data={"csat": "5", "ces": "5"}).status_code == 404
    assert asyncio.run(stored_answers(app_settings))[0] == []


def test_a_missing_or_wrong_form_token_is_refused(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings))
    assert http.post(link.path, data={"csat": "5", "ces": "5"}).status_code == 403
    assert http.post(link.path, data={"csat": "5", "ces": "5", "form_token": "0" * 64}).status_code == 403
    other = asyncio.run(survey_link(app_settings))
    foreign = _form(http, other.path, csat="5", ces="5")
    assert http.post(link.path, data=foreign).status_code == 403
    feedback, _, invitation = asyncio.run(stored_answers(app_settings))
    assert feedback == [] and invitation.uses == 0


def test_bad_scores_re_render_the_form_and_store_nothing(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings))
    out_of_range = http.post(link.path, data=_form(http, link.path, csat="9", ces="3", comment="Kept"))
    assert out_of_range.status_code == 422
    assert "csat must be between 1 and 5" in out_of_range.text and 'role="alert"' in out_of_range.text
    assert 'value="3"\n               required checked' in out_of_range.text and ">Kept</textarea>" in out_of_range.text
    missing = http.post(link.path, data=_form(http, link.path, csat="4"))
    assert missing.status_code == 422 and "answer the CES question" in missing.text
    unknown = http.post(link.path, data=_form(http, link.path, csat="4", ces="2", pain_points="<b>x</b>"))
    assert unknown.status_code == 422 and "&lt;b&gt;x&lt;/b&gt;" in unknown.text and "<b>x</b>" not in unknown.text
    feedback, _, invitation = asyncio.run(stored_answers(app_settings))
    assert feedback == [] and invitation.uses == 0


def test_a_site_link_takes_answers_for_the_client(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings, touchpoint=Touchpoint.GENERAL, site=True))
    for score in ("5", "4"):
        assert http.post(link.path, data=_form(http, link.path, csat=score), follow_redirects=False).status_code == 303
    feedback, _, _ = asyncio.run(stored_answers(app_settings))
    assert sorted(row.csat for row in feedback) == [4, 5]
    assert {(row.channel, row.respondent_id, row.invitation_id) for row in feedback} == {
        (FeedbackChannel.SITE_LINK, None, link.invitation_id)}


async def _rotate_site_key(settings: Settings, invitation_id: int) -> dict[Touchpoint, str]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            client_id = (await session.get(SurveyInvitation, invitation_id)).client_id
            await site_service.rotate_key(session, site=(await site_service.client_site(session, client_id=client_id)).site,
                                          principal=None)
            await session.commit()
            new_links = await site_survey_links(session, settings=settings, client_id=client_id)
            await session.commit()
            return new_links
    finally:
        await engine.dispose()


def test_rotating_the_site_key_closes_the_old_site_links_and_the_build_gets_new_ones(
    http: TestClient, app_settings: Settings
) -> None:
    link = asyncio.run(survey_link(app_settings, touchpoint=Touchpoint.GENERAL, site=True))
    form = _form(http, link.path, csat="5")
    assert http.post(link.path, data=form, follow_redirects=False).status_code == 303

    new_links = asyncio.run(_rotate_site_key(app_settings, link.invitation_id))
    assert http.get(link.path).status_code == 410 and "expired" in http.get(link.path).text
    assert http.post(link.path, data=form, follow_redirects=False).status_code == 410
    new_path = new_links[Touchpoint.GENERAL].removeprefix(app_settings.public_url.rstrip("/"))
    assert new_path != link.path
    assert http.post(new_path, data=_form(http, new_path, csat="4"), follow_redirects=False).status_code == 303
    assert sorted(row.csat for row in asyncio.run(stored_answers(app_settings))[0]) == [4, 5]


async def _change_contact(settings: Settings, contact_id: int, change: str) -> None:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            if change == "deactivated":
                await session.execute(update(User).where(User.id == contact_id).values(is_active=False))
            else:
                await session.execute(delete(Membership).where(Membership.user_id == contact_id))
            await session.commit()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("change", ["deactivated", "removed"])
def test_a_contacts_link_is_withdrawn_once_they_leave_the_client(http: TestClient, app_settings: Settings,
                                                                 change: str) -> None:
    link = asyncio.run(survey_link(app_settings))
    form = _form(http, link.path, csat="5", ces="5")
    asyncio.run(_change_contact(app_settings, link.contact_id, change))
    page = http.get(link.path)
    assert page.status_code == 410 and "withdrawn" in page.text
    assert http.post(link.path, data=form, follow_redirects=False).status_code == 410
    feedback, _, invitation = asyncio.run(stored_answers(app_settings))
    assert feedback == [] and invitation.uses == 0


def test_posts_are_rate_limited_per_address(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(survey_link(app_settings))
    codes = [http.post(link.path, data={"csat": "5", "ces": "5"}).status_code for _ in range(11)]
    assert codes == [403] * 10 + [429]


def test_the_rate_limiter_counts_a_sliding_window_per_key() -> None:
    limiter = RateLimiter(limit=2, window=60, max_keys=2)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2)] == [True, True, False]
    assert limiter.allow("b", now=2) and limiter.allow("a", now=61)
    assert limiter.allow("c", now=200) and set(limiter.events) == {"c"}
