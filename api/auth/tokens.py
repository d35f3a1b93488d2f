"""Signed tokens (pyjwt): issue and verify, with every registered claim required and a type per use.

Token kinds, by their `typ` header: access tokens ("at+jwt"), integrators' API tokens ("rapport-api+jwt")
and survey links ("rapport-survey+jwt"). A token of one kind is refused wherever another is expected.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from api.auth import keys
from api.kit.errors import Unauthenticated
from api.settings import Settings

ACCESS_TOKEN = "at+jwt"
API_TOKEN = "rapport-api+jwt"
SURVEY_LINK = "rapport-survey+jwt"
EXTERNAL_ACCESS_TOKEN = "external"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]
EXTERNAL_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


@dataclass(frozen=True)
class VerifiedToken:
    """The claims of a token whose signature, type and registered claims checked out."""

    subject: str
    token_id: str
    expires_at: datetime
    claims: dict[str, Any]


def sign_token(
    *,
    settings: Settings,
    token_type: str,
    subject: str,
    ttl_seconds: int,
    extra_claims: dict[str, Any] | None = None,
    now: datetime | None = None,
    token_id: str | None = None,
) -> str:
    """A token of `token_type` (the `typ` header) for `subject`, valid for `ttl_seconds`, signed with the active key."""
    issued = now or datetime.now(UTC)
    claims = {
        **(extra_claims or {}),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + timedelta(seconds=ttl_seconds),
        "jti": token_id or uuid.uuid4().hex,
    }
    signing = keys.key_set(settings).signing
    return jwt.encode(claims, signing.material, algorithm=signing.algorithm, headers={"typ": token_type, "kid": signing.kid})


def verify_token(token: str, *, settings: Settings, token_type: str) -> VerifiedToken:
    """The verified claims of a token of `token_type`, or Unauthenticated with a reason safe to show."""
    with _refusals():
        header = _header_of(token, token_type)
        key = keys.key_set(settings).verifying(header.get("kid"))
        if key is None:
            raise Unauthenticated("token is not valid")
        claims = jwt.decode(
            token,
            key.material,
            algorithms=[key.algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=settings.jwt_leeway_seconds,
            options={"require": REQUIRED_CLAIMS},
        )
    return _verified(claims)


async def verify_external_token(token: str, *, settings: Settings) -> VerifiedToken:
    """The verified claims of an access token from the external OIDC issuer, checked against its JWKS.

    Its own issuer and audience settings apply; `jti` and `nbf` are checked when present (not every issuer sends them).
    """
    with _refusals():
        _header_of(token, settings.oidc_token_type)
        key = await keys.oidc_key(settings, token)
        claims = jwt.decode(
            token,
            key.material,
            algorithms=[key.algorithm],
            audience=settings.oidc_audience,
            issuer=settings.oidc_issuer,
            leeway=settings.jwt_leeway_seconds,
            options={"require": EXTERNAL_REQUIRED_CLAIMS},
        )
    return _verified(claims)


def kind_of(token: str, *, settings: Settings) -> str:
    """Which verifier a bearer token goes to (API_TOKEN, EXTERNAL_ACCESS_TOKEN or ACCESS_TOKEN); nothing is trusted yet."""
    with _refusals():
        if jwt.get_unverified_header(token).get("typ") == API_TOKEN:
            return API_TOKEN
        if keys.oidc_configured(settings):
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
            if issuer == settings.oidc_issuer:
                return EXTERNAL_ACCESS_TOKEN
    return ACCESS_TOKEN


def issue_access_token(*, settings: Settings, user_id: int, ttl_seconds: int | None = None, now: datetime | None = None,
                       token_id: str | None = None) -> str:
    """A signed access token for `user_id`; roles are read from memberships at each request."""
    ttl = ttl_seconds if ttl_seconds is not None else settings.access_token_ttl_seconds
    return sign_token(settings=settings, token_type=ACCESS_TOKEN, subject=str(user_id), ttl_seconds=ttl, now=now,
                      token_id=token_id)


def verify_access_token(token: str, *, settings: Settings) -> VerifiedToken:
    """The verified claims of an access token."""
    return verify_token(token, settings=settings, token_type=ACCESS_TOKEN)


def _header_of(token: str, token_type: str) -> dict[str, Any]:
    header = jwt.get_unverified_header(token)
    if header.get("typ") != token_type:
        raise Unauthenticated("token is not valid here")
    return header


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn pyjwt's failures into Unauthenticated, saying no more than whether the token expired."""
    try:
        yield
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("token is not valid") from exc


def _verified(claims: dict[str, Any]) -> VerifiedToken:
    return VerifiedToken(
        subject=str(claims["sub"]),
        token_id=str(claims.get("jti", "")),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        claims=claims,
    )
