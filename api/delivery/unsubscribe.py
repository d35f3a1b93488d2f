"""One-click unsubscribe (RFC 8058): every notice names a signed link that turns its kind of notice off.

A POST to the link (what mail clients send for List-Unsubscribe-Post) changes the preference, with no login and
no redirect. A GET, which link scanners follow on their own, only shows a page with a button that POSTs.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader

from api.auth.tokens import sign_token, verify_token
from api.delivery.models import DecisionNotices, NoticeKind, ReportNotices
from api.delivery.preferences import DECISION_KINDS, set_preferences
from api.kit.errors import Unauthenticated
from api.settings import Settings

UNSUBSCRIBE_TOKEN = "rapport-unsubscribe+jwt"
UNSUBSCRIBE_TTL = timedelta(days=400)  # a notice kept in an inbox for a year still unsubscribes
REPORTS, DECISIONS = "REPORTS", "DECISIONS"
WHAT = {REPORTS: "status report emails", DECISIONS: "emails about milestones awaiting your decision"}
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}


@cache
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)


def unsubscribe_url(settings: Settings, *, user_id: int, client_id: int, kind: NoticeKind) -> str:
    """The link that turns this kind of notice off for this person and client."""
    notices = DECISIONS if kind in DECISION_KINDS else REPORTS
    token = sign_token(settings=settings, token_type=UNSUBSCRIBE_TOKEN, subject=str(user_id),
                       ttl_seconds=int(UNSUBSCRIBE_TTL.total_seconds()),
                       extra_claims={"client": client_id, "notices": notices})
    return f"{settings.public_url.rstrip('/')}/unsubscribe/{token}"


def _read(token: str, settings: Settings) -> tuple[int, int, str]:
    verified = verify_token(token, settings=settings, token_type=UNSUBSCRIBE_TOKEN)
    client, notices = verified.claims.get("client"), verified.claims.get("notices")
    if not (verified.subject.isdigit() and isinstance(client, int) and notices in WHAT):
        raise Unauthenticated("token is not valid")
    return int(verified.subject), client, notices


def unsubscribe_router(settings: Settings) -> APIRouter:
    """GET and POST /unsubscribe/{token}."""
    router = APIRouter(include_in_schema=False)

    @router.get("/unsubscribe/{token}")
    async def confirm(token: str) -> Response:
        try:
            _, _, notices = _read(token, settings)
        except Unauthenticated:
            return _invalid()
        return _page("Stop these emails?", f"You will no longer receive {WHAT[notices]} for this client. "
                                           "You can turn them on again in your notification preferences.",
                     200, confirm=True)

    @router.post("/unsubscribe/{token}")
    async def unsubscribe(request: Request, token: str) -> Response:
        try:
            user_id, client_id, notices = _read(token, settings)
        except Unauthenticated:
            return _invalid()
        async with request.app.state.session_factory() as session:
            if notices == REPORTS:
                await set_preferences(session, user_id=user_id, client_id=client_id, principal=None,
                                      report_notices=ReportNotices.OFF)
            else:
                await set_preferences(session, user_id=user_id, client_id=client_id, principal=None,
                                      decision_notices=DecisionNotices.OFF)
            await session.commit()
        return _page("You are unsubscribed", f"You will no longer receive {WHAT[notices]} for this client.", 200)

    return router


def _invalid() -> Response:
    return _page("Link not valid", "This unsubscribe link is not valid or has expired. Check that it was copied "
                                   "whole, or change your notification preferences after signing in.", 404)


def _page(title: str, message: str, status_code: int, *, confirm: bool = False) -> Response:
    html = _templates().get_template("unsubscribe_page.html").render(title=title, message=message, confirm=confirm)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
