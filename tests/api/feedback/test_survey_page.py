"""The survey page behind a survey link, through HTTP on a committed database."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.auth.models import Role
from api.database import upgrade_database
from api.feedback.invitation_service import issue_invitation
from api.feedback.models import (
    ActionItem,
    Feedback,
    FeedbackChannel,
    InvitationTrigger,
    SurveyInvitation,
    Touchpoint,
)
from api.feedback.site_links import site_survey_links
from api.feedback.survey_pages import RateLimiter
from api.kit.columns import utcnow
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from tests.fixtures.auth import settings_for, token_for
from tests.fixtures.factories import make_client, make_project, make_user

FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{64})"')


@dataclass(frozen=True)
class Link:
    path: str
    invitation_id: int
    contact_id: int | None
    project_id: int


async def _link(settings: Settings, *, touchpoint: Touchpoint = Touchpoint.STATUS_REPORT, max_uses: int = 1,
                age: timedelta = timedelta(0), lifetime: timedelta = timedelta(days=14), site: bool = False) -> Link:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            client = await make_client(session)
            contact = await make_user(session, organization=client, role=Role.CLIENT_CONTACT)
            manager = await make_user(session, organization=client, role=Role.CLIENT_EXECUTIVE)
            project = await make_project(session, client=client, manager_id=manager.id)
            if site:
                links = await site_survey_links(session, settings=settings, client_id=client.id)
                link = links[touchpoint]
                invitation_id = await session.scalar(select(SurveyInvitation.id).where(
                    SurveyInvitation.client_id == client.id, SurveyInvitation.touchpoint == touchpoint))
                contact_id = None
            else:
                sent_at = (utcnow() - age).replace(microsecond=0)
                invitation = SurveyInvitation(
                    client_id=client.id, project_id=project.id, contact_id=contact.id, touchpoint=touchpoint,
                    trigger=InvitationTrigger.EVENT, max_uses=max_uses, sent_at=sent_at, expires_at=sent_at + lifetime)
                issued = await issue_invitation(session, principal=None, settings=settings, invitation=invitation)
                link, invitation_id, contact_id = issued.link, issued.invitation.id, contact.id
            await session.commit()
            return Link(path=link.removeprefix(settings.public_url.rstrip("/")), invitation_id=invitation_id,
                        contact_id=contact_id, project_id=project.id)
    finally:
        await engine.dispose()


async def _stored(settings: Settings) -> tuple[list[Feedback], int, SurveyInvitation | None]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            feedback = list(await session.scalars(select(Feedback)))
            items = await session.scalar(select(func.count(ActionItem.id)))
            invitation = await session.scalar(select(SurveyInvitation).order_by(SurveyInvitation.id.desc()).limit(1))
            return feedback, items or 0, invitation
    finally:
        await engine.dispose()


@pytest.fixture
def app_settings(fresh_database_url: str, tmp_path: Path) -> Settings:
    upgrade_database(fresh_database_url)
    return settings_for(fresh_database_url, tmp_path)


@pytest.fixture
def http(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def _form(http: TestClient, path: str, **fields: str) -> dict[str, str]:
    page = http.get(path)
    assert page.status_code == 200
    return {"form_token": FORM_TOKEN.search(page.text).group(1), **fields}


def test_a_valid_link_shows_an_accessible_self_contained_form(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings))
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
    link = asyncio.run(_link(app_settings))
    form = _form(http, link.path, csat="4", ces="6", comment="Clear report.", pain_points="slow-response")
    answered = http.post(link.path, data=form, follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"] == f"{link.path}/thanks"
    assert "Thank you" in http.get(answered.headers["location"]).text
    [feedback], items, invitation = asyncio.run(_stored(app_settings))
    assert (feedback.csat, feedback.ces, feedback.nps, feedback.comment) == (4, 6, None, "Clear report.")
    assert feedback.pain_points == ["slow-response"] and feedback.channel is FeedbackChannel.SURVEY_LINK
    assert (feedback.invitation_id, feedback.respondent_id) == (link.invitation_id, link.contact_id)
    assert feedback.project_id == link.project_id and feedback.touchpoint is Touchpoint.STATUS_REPORT
    assert invitation.uses == 1 and invitation.responded_at is not None and items == 0
    again = http.post(link.path, data=form, follow_redirects=False)
    assert again.status_code == 410 and "already been used" in again.text
    assert http.get(link.path).status_code == 410
    assert len(asyncio.run(_stored(app_settings))[0]) == 1


def test_a_detractor_answer_opens_a_follow_up(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings, touchpoint=Touchpoint.CLOSEOUT))
    page = http.get(link.path).text
    assert 'name="nps"' in page and 'name="csat"' in page and 'name="ces"' not in page
    answered = http.post(link.path, data=_form(http, link.path, nps="3", csat="2"), follow_redirects=False)
    assert answered.status_code == 303
    [feedback], items, _ = asyncio.run(_stored(app_settings))
    assert (feedback.nps, feedback.csat, items) == (3, 2, 1)


def test_an_expired_link_is_gone_and_stores_nothing(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings, age=timedelta(days=3), lifetime=timedelta(days=2)))
    page = http.get(link.path)
    assert page.status_code == 410 and "expired" in page.text
    assert http.post(link.path, data={"csat": "5", "ces": "5"}).status_code == 410
    assert asyncio.run(_stored(app_settings))[0] == []


def test_tampered_and_foreign_tokens_are_not_found(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings))
    head, _, signature = link.path.rpartition(".")
    tampered = f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    access = f"/s/{token_for(app_settings, link.contact_id)}"
    for path in (tampered, access, "/s/not-a-token"):
        assert http.get(path).status_code == 404
        assert http.post(path, data={"csat": "5", "ces": "5"}).status_code == 404
    assert asyncio.run(_stored(app_settings))[0] == []


def test_a_missing_or_wrong_form_token_is_refused(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings))
    assert http.post(link.path, data={"csat": "5", "ces": "5"}).status_code == 403
    assert http.post(link.path, data={"csat": "5", "ces": "5", "form_token": "0" * 64}).status_code == 403
    other = asyncio.run(_link(app_settings))
    foreign = _form(http, other.path, csat="5", ces="5")
    assert http.post(link.path, data=foreign).status_code == 403
    feedback, _, invitation = asyncio.run(_stored(app_settings))
    assert feedback == [] and invitation.uses == 0


def test_bad_scores_re_render_the_form_and_store_nothing(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings))
    out_of_range = http.post(link.path, data=_form(http, link.path, csat="9", ces="3", comment="Kept"))
    assert out_of_range.status_code == 422
    assert "csat must be between 1 and 5" in out_of_range.text and 'role="alert"' in out_of_range.text
    assert 'value="3"\n               required checked' in out_of_range.text and ">Kept</textarea>" in out_of_range.text
    missing = http.post(link.path, data=_form(http, link.path, csat="4"))
    assert missing.status_code == 422 and "answer the CES question" in missing.text
    unknown = http.post(link.path, data=_form(http, link.path, csat="4", ces="2", pain_points="<b>x</b>"))
    assert unknown.status_code == 422 and "&lt;b&gt;x&lt;/b&gt;" in unknown.text and "<b>x</b>" not in unknown.text
    feedback, _, invitation = asyncio.run(_stored(app_settings))
    assert feedback == [] and invitation.uses == 0


def test_a_site_link_takes_answers_for_the_client(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings, touchpoint=Touchpoint.GENERAL, site=True))
    for score in ("5", "4"):
        assert http.post(link.path, data=_form(http, link.path, csat=score), follow_redirects=False).status_code == 303
    feedback, _, _ = asyncio.run(_stored(app_settings))
    assert sorted(row.csat for row in feedback) == [4, 5]
    assert {(row.channel, row.respondent_id, row.invitation_id) for row in feedback} == {
        (FeedbackChannel.SITE_LINK, None, link.invitation_id)}


def test_posts_are_rate_limited_per_address(http: TestClient, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings))
    codes = [http.post(link.path, data={"csat": "5", "ces": "5"}).status_code for _ in range(11)]
    assert codes == [403] * 10 + [429]


def test_the_rate_limiter_counts_a_sliding_window_per_key() -> None:
    limiter = RateLimiter(limit=2, window=60, max_keys=2)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2)] == [True, True, False]
    assert limiter.allow("b", now=2) and limiter.allow("a", now=61)
    assert limiter.allow("c", now=200) and set(limiter.events) == {"c"}


@pytest.fixture
def served(app_settings: Settings) -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(app_settings), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def test_headless_chromium_renders_the_form(served: str, app_settings: Settings) -> None:
    link = asyncio.run(_link(app_settings, touchpoint=Touchpoint.CLOSEOUT))
    dumped = subprocess.run(
        ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--dump-dom", f"{served}{link.path}"], capture_output=True, text=True, timeout=120, check=True).stdout
    assert "<legend>How likely are you to recommend us to a friend or colleague?</legend>" in dumped
    assert dumped.count('type="radio"') == 11 + 5 and '<button type="submit">' in dumped
    assert dumped.count('type="checkbox"') == len(app_settings.pain_point_tags)
