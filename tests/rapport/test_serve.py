"""How `rapport serve` runs uvicorn: forwarded headers are believed only from trusted proxies."""

from __future__ import annotations

import secrets

import httpx

from api.app import create_app
from api.settings import Settings
from rapport.commands import server_options
from tests.fixtures.browser import serving_app

ADDRESS_LIMIT = 10  # survey posts per minute from one address


def _statuses_with_varied_forwarded_for(settings: Settings) -> list[int]:
    options = server_options(settings)
    served = {name: options[name] for name in ("proxy_headers", "forwarded_allow_ips")}
    with serving_app(create_app(settings), **served) as base_url, httpx.Client(base_url=base_url) as http:
        return [http.post(f"/s/{secrets.token_urlsafe(16)}", data={"comment": "hi"},
                          headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                for n in range(ADDRESS_LIMIT + 2)]


def test_forwarded_for_is_ignored_by_default_so_the_survey_rate_limit_holds(app_settings: Settings) -> None:
    statuses = _statuses_with_varied_forwarded_for(app_settings)
    assert 429 not in statuses[:ADDRESS_LIMIT] and statuses[ADDRESS_LIMIT:] == [429, 429]


def test_a_trusted_proxy_names_the_client(app_settings: Settings) -> None:
    statuses = _statuses_with_varied_forwarded_for(app_settings.model_copy(update={"trusted_proxies": "127.0.0.1"}))
    assert 429 not in statuses


def test_serve_believes_no_forwarded_headers_unless_told() -> None:
    assert server_options(Settings())["proxy_headers"] is False
    trusted = server_options(Settings(trusted_proxies="10.0.0.5"))
    assert trusted["proxy_headers"] is True and trusted["forwarded_allow_ips"] == "10.0.0.5"
