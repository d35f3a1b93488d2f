"""The update request page over real HTTP: it lists exactly what was asked, applies an answer once as the recipient,
never touches anything else, and refuses expired, used, tampered and forged posts with a clear page."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import select

from api.activity.models import Activity
from api.comments.models import Comment
from api.flows.runner import run_due_reactions
from api.kit.database import create_engine, create_session_factory
from api.projects.models import Milestone, Risk
from api.settings import Settings
from api.update_requests.models import UpdateRequest, UpdateRequestState
from tests.api.update_requests.conftest import Asked, ask


async def _get(served: str, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=served, timeout=30) as http:
        return await http.get(path)


async def _post(served: str, path: str, fields: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=served, timeout=30) as http:
        return await http.post(path, data=fields)


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]{64})"', page)
    assert found, "the form carries no CSRF token"
    return found.group(1)


async def _state(settings: Settings, asked: Asked) -> dict[str, Any]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with create_session_factory(engine)() as session:
            a, b = (await session.get(Milestone, asked.milestone_a)), (await session.get(Milestone, asked.milestone_b))
            risk = await session.get(Risk, asked.risk_id)
            request = await session.get(UpdateRequest, asked.request_id)
            notes = list(await session.scalars(select(Comment.body)))
            return {"a": (a.percent_complete, a.forecast_date.isoformat()), "b": b.percent_complete,
                    "risk": (risk.status.value, risk.mitigation), "state": request.state,
                    "answered_by": request.answered_by_user_id, "notes": notes}
    finally:
        await engine.dispose()


def _answer(asked: Asked, token: str, **overrides: str) -> dict[str, str]:
    a, risk = f"m{asked.milestone_a}", f"r{asked.risk_id}"
    fields = {"form_token": token, f"{a}-percent": "60", f"{a}-forecast": "2026-12-20",
              f"{a}-note": "Soundings done on the north berth.", f"{risk}-status": "MITIGATING",
              f"{risk}-mitigation": "Daily soundings until the dredger leaves"}
    return {**fields, **overrides}


async def test_the_form_lists_exactly_what_was_asked(served: str, app_settings: Settings) -> None:
    asked = await ask(app_settings)
    response = await _get(served, asked.path)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    page = response.text
    assert "Survey complete" in page and "Silt levels" in page and "Weekly soundings" in page
    assert "Permit granted" not in page and f"m{asked.milestone_b}-" not in page
    assert "Pat Manager asks you to update Berth dredging" in page and "Before Thursday&#39;s board" in page


async def test_an_answer_applies_as_the_recipient_and_never_beyond_the_request(served: str,
                                                                               app_settings: Settings) -> None:
    asked = await ask(app_settings)
    token = _form_token((await _get(served, asked.path)).text)
    smuggled = {f"m{asked.milestone_b}-percent": "99", f"m{asked.milestone_b}-note": "not asked"}
    response = await _post(served, asked.path, _answer(asked, token, **smuggled))
    assert response.status_code == 303 and response.headers["location"] == "/updates/thanks"
    state = await _state(app_settings, asked)
    assert state["a"] == (60, "2026-12-20") and state["b"] == 10  # milestone B: the link was not issued for it
    assert state["risk"] == ("MITIGATING", "Daily soundings until the dredger leaves")
    assert state["state"] is UpdateRequestState.ANSWERED and state["answered_by"] == asked.vendor_user_id
    assert state["notes"] == ["Soundings done on the north berth."]

    again = await _post(served, asked.path, _answer(asked, token, **{f"m{asked.milestone_a}-percent": "70"}))
    assert again.status_code == 410 and "already answered" in again.text and "Nothing was changed" in again.text
    assert (await _state(app_settings, asked))["a"] == (60, "2026-12-20")

    engine = create_engine(app_settings.resolved_database_url)
    await run_due_reactions(create_session_factory(engine), settings=app_settings)
    async with create_session_factory(engine)() as session:
        lines = {(row.summary, row.actor_user_id) for row in await session.scalars(select(Activity))}
    await engine.dispose()
    assert ("Survey complete is 60% complete (in progress)", asked.vendor_user_id) in lines
    assert ("Val Vendor answered the update request", asked.vendor_user_id) in lines


async def test_a_refused_answer_changes_nothing_and_says_what_to_fix(served: str, app_settings: Settings) -> None:
    asked = await ask(app_settings)
    token = _form_token((await _get(served, asked.path)).text)
    response = await _post(served, asked.path, _answer(asked, token, **{f"m{asked.milestone_a}-percent": "150"}))
    assert response.status_code == 422 and "Please check your update" in response.text
    assert f'href="#m{asked.milestone_a}-percent"' in response.text
    state = await _state(app_settings, asked)
    assert state["a"][0] == 20 and state["risk"] == ("OPEN", "Weekly soundings") and state["notes"] == []
    assert state["state"] is UpdateRequestState.OPEN


async def test_expired_tampered_and_forged_posts_are_refused(served: str, app_settings: Settings) -> None:
    expired = await ask(app_settings, expired=True)
    response = await _get(served, expired.path)
    assert response.status_code == 410 and "expired" in response.text
    head, payload, signature = expired.path.removeprefix("/updates/").split(".")
    tampered = f"/updates/{head}.{payload}.{signature[:-4]}AAAA"
    assert (await _get(served, tampered)).status_code == 404
    assert (await _post(served, tampered, {"form_token": "0" * 64})).status_code == 404
    assert (await _post(served, expired.path, {"form_token": "0" * 64})).status_code == 410
    assert (await _state(app_settings, expired))["a"][0] == 20


async def test_a_post_without_the_forms_token_is_refused(served: str, app_settings: Settings) -> None:
    asked = await ask(app_settings)
    response = await _post(served, asked.path, _answer(asked, "f" * 64))
    assert response.status_code == 403 and "could not be checked" in response.text
    assert (await _state(app_settings, asked))["state"] is UpdateRequestState.OPEN
