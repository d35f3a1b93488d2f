"""The survey page behind a survey link: GET /s/{token} shows the form, POST /s/{token} stores one answer.

Server-rendered, usable without JavaScript, with no external assets. The form carries a CSRF token bound to
the link; posts are rate limited per link and per client address.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.cx.feedback.service import COMMENT_MAX_LENGTH, SCALES
from api.cx.models import Touchpoint
from api.cx.surveys.answers import (
    LinkAnswer,
    LinkClosed,
    answer_link,
    form_token,
    form_token_matches,
    open_link,
    questions_for,
)
from api.cx.surveys.models import SurveyInvitation
from api.kit.errors import NotFound, ValidationFailed
from api.settings import Settings

PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}
TOPICS = {
    Touchpoint.KICKOFF: "the project kickoff",
    Touchpoint.STATUS_REPORT: "this status report",
    Touchpoint.MILESTONE_REVIEW: "this milestone review",
    Touchpoint.DELIVERABLE_ACCEPTANCE: "this deliverable",
    Touchpoint.MEETING: "this meeting",
    Touchpoint.SUPPORT: "the support you received",
    Touchpoint.CLOSEOUT: "the project",
    Touchpoint.GENERAL: "working with us",
}
SCALE_LABELS = {"csat": ("Very dissatisfied", "Very satisfied"), "nps": ("Not at all likely", "Extremely likely"),
                "ces": ("Very difficult", "Very easy")}
MAX_FORM_BYTES = 16_384
LINK_POSTS_PER_MINUTE = 30
ADDRESS_POSTS_PER_MINUTE = 10
templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))


class RateLimiter:
    """At most `limit` events per key in any `window` seconds, counted in memory by this process."""

    def __init__(self, *, limit: int, window: float = 60.0, max_keys: int = 10_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self.events: dict[str, deque[float]] = {}

    def allow(self, key: str, *, now: float | None = None) -> bool:
        """Count one event for `key`; False when the key is over its limit (refused events are not counted)."""
        now = time.monotonic() if now is None else now
        if len(self.events) >= self.max_keys:
            self._forget_idle(now)
        recent = self.events.setdefault(key, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.limit:
            return False
        recent.append(now)
        return True

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, recent in self.events.items() if not recent or recent[-1] <= now - self.window]:
            del self.events[key]
        if len(self.events) >= self.max_keys:
            self.events.clear()


@dataclass(frozen=True)
class Question:
    scale: str
    text: str
    values: range
    low_label: str
    high_label: str
    chosen: str | None = None
    error: str | None = None


def survey_router(settings: Settings) -> APIRouter:
    """The survey page routes under /s, with their own rate limiters."""
    router = APIRouter(include_in_schema=False)
    per_link = RateLimiter(limit=LINK_POSTS_PER_MINUTE)
    per_address = RateLimiter(limit=ADDRESS_POSTS_PER_MINUTE)

    @router.get("/s/{token}")
    async def show_survey(request: Request, token: str) -> Response:
        async with request.app.state.session_factory() as session:
            try:
                invitation = await open_link(session, settings=settings, token=token)
            except (NotFound, LinkClosed) as exc:
                return _refusal(exc)
            return _survey_page(invitation, settings=settings, token=token)

    @router.post("/s/{token}")
    async def answer_survey(request: Request, token: str) -> Response:
        address = request.client.host if request.client else "unknown"
        link_key = hashlib.sha256(token.encode()).hexdigest()
        if not (per_address.allow(address) and per_link.allow(link_key)):
            return _message("Please wait a moment", "Too many answers were sent just now. Try again in a minute.", 429)
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return _message("Answer too long", "Your answer is too long to send. Please shorten it.", 413)
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        async with request.app.state.session_factory() as session:
            try:
                invitation = await open_link(session, settings=settings, token=token)
            except (NotFound, LinkClosed) as exc:
                return _refusal(exc)
            if not form_token_matches(invitation, settings=settings, given=_first(form, "form_token")):
                return _message("Form expired", "This form could not be checked. Open your survey link again.", 403)
            answer = LinkAnswer(scores={scale: _first(form, scale) for scale in SCALES},
                                comment=_first(form, "comment") or "", pain_points=tuple(form.get("pain_points", ())))
            try:
                await answer_link(session, settings=settings, invitation=invitation, answer=answer)
            except ValidationFailed as exc:
                return _survey_page(invitation, settings=settings, token=token, answer=answer, problems=exc,
                                    status_code=422)
            except LinkClosed as exc:
                return _refusal(exc)
            await session.commit()
        return RedirectResponse(f"/s/{token}/thanks", status_code=303, headers=PAGE_HEADERS)

    @router.get("/s/{token}/thanks")
    async def thank_you() -> Response:
        return _message("Thank you", "Your answers were received. They help us do better for you.", 200)

    return router


def _first(form: dict[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _survey_page(invitation: SurveyInvitation, *, settings: Settings, token: str, answer: LinkAnswer | None = None,
                 problems: ValidationFailed | None = None, status_code: int = 200) -> Response:
    errors = {problem.field or "": problem.message for problem in problems.problems} if problems else {}
    topic = TOPICS[invitation.touchpoint]
    texts = {"csat": f"How satisfied are you with {topic}?",
             "nps": "How likely are you to recommend us to a friend or colleague?",
             "ces": f"How easy was it to get what you needed from {topic}?"}
    questions = [
        Question(scale=scale, text=texts[scale], values=range(SCALES[scale][0], SCALES[scale][1] + 1),
                 low_label=SCALE_LABELS[scale][0], high_label=SCALE_LABELS[scale][1],
                 chosen=answer.scores.get(scale) if answer else None, error=errors.get(scale))
        for scale in questions_for(invitation.touchpoint)
    ]
    anchors = {"comment": "comment", "painPoints": "pain-1"}
    return _render("survey.html", status_code, title=f"Tell us about {topic}", questions=questions,
                   errors=[(anchors.get(field, f"{field}-question"), message) for field, message in errors.items()],
                   action=f"/s/{token}", form_token=form_token(invitation, settings=settings),
                   pain_points=settings.pain_point_tags, chosen_pain_points=answer.pain_points if answer else (),
                   comment=answer.comment if answer else "", comment_max_length=COMMENT_MAX_LENGTH)


def _refusal(exc: NotFound | LinkClosed) -> Response:
    if isinstance(exc, LinkClosed):
        return _message("This survey is closed", f"Sorry: {exc.message}. Thank you for wanting to answer.", 410)
    return _message("Survey not found", "Sorry: this survey link is not valid. Check that it was copied whole.", 404)


def _message(title: str, message: str, status_code: int) -> Response:
    return _render("message.html", status_code, title=title, message=message)


def _render(template: str, status_code: int, **values: Any) -> Response:
    return HTMLResponse(templates.get_template(template).render(**values), status_code=status_code,
                        headers=PAGE_HEADERS)
