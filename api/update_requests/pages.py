"""The page behind an update request's link: GET /updates/{token} shows the form, POST applies it once.

Server-rendered like the survey page: it works without JavaScript, loads nothing from elsewhere, carries a CSRF
token bound to the link, and limits posts per link and per client address.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.auth.models import User
from api.cx.surveys.pages import PAGE_HEADERS, RateLimiter
from api.kit.errors import NotFound, ValidationFailed
from api.projects.models import Project
from api.settings import Settings
from api.update_requests.answers import Answer, MilestoneAnswer, RequestForm, RiskAnswer, answer_request, request_form
from api.update_requests.models import UpdateRequestState
from api.update_requests.service import LinkClosed, form_token, form_token_matches, open_link

MAX_FORM_BYTES = 65_536
LINK_POSTS_PER_MINUTE = 10
ADDRESS_POSTS_PER_MINUTE = 20
STATUSES = (("OPEN", "Open"), ("MITIGATING", "Being mitigated"), ("CLOSED", "Closed"))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_HERE = Path(__file__).parent
templates = Environment(loader=FileSystemLoader([_HERE / "templates", _HERE.parent / "cx" / "surveys" / "templates"]),
                        autoescape=select_autoescape(default=True, default_for_string=True))


def update_router(settings: Settings) -> APIRouter:
    """The update request page routes under /updates, with their own rate limiters."""
    router = APIRouter(include_in_schema=False)
    per_link = RateLimiter(limit=LINK_POSTS_PER_MINUTE)
    per_address = RateLimiter(limit=ADDRESS_POSTS_PER_MINUTE)

    @router.get("/updates/thanks")
    async def thank_you() -> Response:
        return _message("Thank you", "Your update was received and is now on the project.", 200)

    @router.get("/updates/{token}")
    async def show_request(request: Request, token: str) -> Response:
        async with request.app.state.session_factory() as session:
            try:
                form = await request_form(session, request=await open_link(session, settings=settings, token=token))
            except (NotFound, LinkClosed) as exc:
                return _refusal(exc)
            return await _form_page(session, form, settings=settings, token=token)

    @router.post("/updates/{token}")
    async def answer(request: Request, token: str) -> Response:
        address = request.client.host if request.client else "unknown"
        if not (per_address.allow(address) and per_link.allow(hashlib.sha256(token.encode()).hexdigest())):
            return _message("Please wait a moment", "Too many updates were sent just now. Try again in a minute.", 429)
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return _message("Update too long", "Your update is too long to send. Please shorten the notes.", 413)
        fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        async with request.app.state.session_factory() as session:
            try:
                form = await request_form(session, request=await open_link(session, settings=settings, token=token))
            except (NotFound, LinkClosed) as exc:
                return _refusal(exc)
            if not form_token_matches(form.request, settings=settings, given=_first(fields, "form_token")):
                return _message("Form expired", "This form could not be checked. Open the link in your email again.",
                                403)
            given = _answer(form, fields)
            try:
                await answer_request(session, form=form, answer=given)
            except ValidationFailed as exc:
                await session.rollback()
                form = await request_form(session, request=await open_link(session, settings=settings, token=token))
                return await _form_page(session, form, settings=settings, token=token, answer=given, problems=exc,
                                        status_code=422)
            except LinkClosed as exc:
                return _refusal(exc)
            await session.commit()
        return RedirectResponse("/updates/thanks", status_code=303, headers=PAGE_HEADERS)

    return router


def _first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[0] if values else ""


def _answer(form: RequestForm, fields: dict[str, list[str]]) -> Answer:
    """Only the requested items' fields are read: whatever else a form sends is ignored."""
    return Answer(
        milestones={m.id: MilestoneAnswer(percent=_first(fields, f"m{m.id}-percent"),
                                          forecast=_first(fields, f"m{m.id}-forecast"),
                                          note=_first(fields, f"m{m.id}-note")) for m in form.milestones},
        risks={r.id: RiskAnswer(status=_first(fields, f"r{r.id}-status"),
                                mitigation=_first(fields, f"r{r.id}-mitigation")) for r in form.risks})


def _words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


async def _form_page(session: Any, form: RequestForm, *, settings: Settings, token: str, answer: Answer | None = None,
                     problems: ValidationFailed | None = None, status_code: int = 200) -> Response:
    errors = {problem.field or "": problem.message for problem in problems.problems} if problems else {}
    request = form.request
    project = await session.get(Project, request.project_id)
    requester = await session.get(User, request.requester_user_id) if request.requester_user_id else None
    milestones = []
    for m in form.milestones:
        given = answer.milestones.get(m.id) if answer else None
        milestones.append({
            "id": m.id, "name": m.name, "percent": m.percent_complete, "forecast_now": m.forecast_date.isoformat(),
            "forecast_now_words": _words(m.forecast_date),
            "percent_value": given.percent if given else m.percent_complete,
            "forecast_value": given.forecast if given else m.forecast_date.isoformat(),
            "note": given.note if given else "",
            "errors": {part: errors.get(f"m{m.id}-{part}") for part in ("percent", "forecast", "note")}})
    risks = []
    for r in form.risks:
        given_risk = answer.risks.get(r.id) if answer else None
        risks.append({"id": r.id, "title": r.title, "status": given_risk.status if given_risk else r.status.value,
                      "mitigation": given_risk.mitigation if given_risk else r.mitigation,
                      "errors": {part: errors.get(f"r{r.id}-{part}") for part in ("status", "mitigation")}})
    return _render("update_form.html", status_code, title=f"Update requested: {project.code} {project.name}",
                   requester=requester.name if requester else "The project team", project=project.name,
                   due=request.due_date.isoformat(), due_words=_words(request.due_date),
                   overdue=request.state is UpdateRequestState.OVERDUE, message=request.message,
                   errors=list(errors.items()), milestones=milestones, risks=risks, statuses=STATUSES,
                   action=f"/updates/{token}", form_token=form_token(request, settings=settings))


def _refusal(exc: NotFound | LinkClosed) -> Response:
    if isinstance(exc, LinkClosed):
        return _message("This link can no longer be used", f"Sorry: {exc.message}. Nothing was changed.", 410)
    return _message("Link not found", "Sorry: this link is not valid. Check that it was copied whole. Nothing was "
                                      "changed.", 404)


def _message(title: str, message: str, status_code: int) -> Response:
    return _render("message.html", status_code, title=title, message=message)


def _render(template: str, status_code: int, **values: Any) -> Response:
    return HTMLResponse(templates.get_template(template).render(**values), status_code=status_code,
                        headers=PAGE_HEADERS)
