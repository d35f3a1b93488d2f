"""An external OIDC issuer: its JWKS fetched over real HTTP off the event loop, its users matched by email."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import keys, tokens
from api.auth import service as auth_service
from api.auth.models import Role
from api.kit.errors import Unauthenticated
from api.settings import Settings
from tests.fixtures.factories import make_client, make_user
from tests.fixtures.keys import ec_key, hmac_forgery, public_pem, rsa_key

ISSUER = "https://idp.example"
AUDIENCE = "rapport-from-idp"


class JwksServer:
    """A JWKS endpoint on 127.0.0.1 that counts its requests and can answer slowly."""

    def __init__(self, delay: float = 0.0) -> None:
        rsa_jwk = RSAAlgorithm.to_jwk(rsa_key("idp").public_key(), as_dict=True) | {"kid": "idp-rs", "use": "sig"}
        ec_jwk = ECAlgorithm.to_jwk(ec_key("idp").public_key(), as_dict=True) | {"kid": "idp-es", "use": "sig"}
        body = json.dumps({"keys": [rsa_jwk, ec_jwk]}).encode()
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
                server.requests += 1
                time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host}:{port}/.well-known/jwks.json"


def _serve(delay: float = 0.0) -> Iterator[JwksServer]:
    server = JwksServer(delay)
    server.thread.start()
    try:
        yield server
    finally:
        server.http.shutdown()
        server.http.server_close()


@pytest.fixture
def idp() -> Iterator[JwksServer]:
    yield from _serve()


@pytest.fixture
def slow_idp() -> Iterator[JwksServer]:
    yield from _serve(delay=0.3)


def _settings(server: JwksServer) -> Settings:
    return Settings(jwt_secret="h" * 40, oidc_jwks_url=server.url, oidc_issuer=ISSUER, oidc_audience=AUDIENCE)


MISSING = object()  # a claim left out of the token


def _issuer_token(email: str, *, kid: str = "idp-rs", typ: str = "at+jwt", **overrides: Any) -> str:
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "idp|4711", "email": email, "email_verified": True, "iat": now,
              "exp": now + timedelta(minutes=10), **overrides}
    claims = {name: value for name, value in claims.items() if value is not MISSING}
    key, algorithm = (ec_key("idp"), "ES256") if kid == "idp-es" else (rsa_key("idp"), "RS256")
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid, "typ": typ})


@pytest.fixture
async def user_email(session: AsyncSession) -> str:
    client = await make_client(session)
    return (await make_user(session, organization=client, role=Role.CLIENT_EXECUTIVE, email="cio@agency.example")).email


async def test_an_issuer_token_signs_in_the_rapport_user_with_its_email(
    session: AsyncSession, idp: JwksServer, user_email: str
) -> None:
    settings = _settings(idp)
    for kid in ("idp-rs", "idp-es"):
        principal = await auth_service.authenticate(session, settings=settings,
                                                    bearer=_issuer_token("CIO@agency.example", kid=kid))
        assert principal.user_id is not None and [g.role for g in principal.grants] == [Role.CLIENT_EXECUTIVE]
    assert idp.requests == 1
    assert keys.jwks_client(idp.url) is keys.jwks_client(idp.url)

    local = tokens.issue_access_token(settings=settings, user_id=principal.user_id)
    assert (await auth_service.authenticate(session, settings=settings, bearer=local)).user_id == principal.user_id


async def test_the_jwks_fetch_leaves_the_event_loop_free(
    session: AsyncSession, slow_idp: JwksServer, user_email: str
) -> None:
    ticks = 0

    async def tick_until(done: asyncio.Task) -> None:
        nonlocal ticks
        while not done.done():
            ticks += 1
            await asyncio.sleep(0.01)

    signing_in = asyncio.ensure_future(
        auth_service.authenticate(session, settings=_settings(slow_idp), bearer=_issuer_token(user_email)))
    await asyncio.gather(signing_in, tick_until(signing_in))
    assert signing_in.result().user_id is not None
    assert ticks >= 10


def _forged_hs256(email: str) -> str:
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "email": email, "iat": now, "exp": now + timedelta(minutes=5)}
    return hmac_forgery({"alg": "HS256", "typ": "at+jwt", "kid": "idp-rs"}, claims, public_pem(rsa_key("idp")).encode())


@pytest.mark.parametrize(
    "forge",
    [
        lambda email: _issuer_token(email, aud="someone-else"),
        lambda email: _issuer_token(email, email_verified=False),
        lambda email: _issuer_token(email, email_verified=MISSING),
        lambda email: _issuer_token(email, email_verified="true"),
        lambda email: _issuer_token(email, email_verified=1),
        lambda email: _issuer_token("stranger@agency.example"),
        lambda email: _issuer_token(email, exp=datetime.now(UTC) - timedelta(minutes=5)),
        lambda email: _issuer_token(email, typ="JWT"),
        lambda email: _issuer_token(email, kid="idp-unknown"),
        lambda email: jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "email": email}, rsa_key("idp"),
                                 algorithm="RS256", headers={"kid": "idp-rs", "typ": "at+jwt"}),
        _forged_hs256,
        lambda email: jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "email": email,
                                  "exp": datetime.now(UTC) + timedelta(minutes=5)}, rsa_key("intruder"),
                                 algorithm="RS256", headers={"kid": "idp-rs", "typ": "at+jwt"}),
    ],
    ids=["wrong-audience", "unverified-email", "email-verified-missing", "email-verified-string", "email-verified-one",
         "unknown-user", "expired", "wrong-typ", "unknown-kid", "no-exp-iat",
         "hs256-with-public-key", "foreign-signature"],
)
async def test_issuer_tokens_that_do_not_check_out_are_refused(
    session: AsyncSession, idp: JwksServer, user_email: str, forge: Any
) -> None:
    with pytest.raises(Unauthenticated):
        await auth_service.authenticate(session, settings=_settings(idp), bearer=forge(user_email))
