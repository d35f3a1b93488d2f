"""Signed tokens (pyjwt): issue and verify, with every registered claim required and a type per use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from api.kit.errors import Unauthenticated
from api.settings import Settings

ACCESS_TOKEN = "at+jwt"
ALGORITHMS = ["HS256"]
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]


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
    """A signed token of `token_type` (the `typ` header) for `subject`, valid for `ttl_seconds`."""
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
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256", headers={"typ": token_type})


def verify_token(token: str, *, settings: Settings, token_type: str) -> VerifiedToken:
    """The verified claims of a token of `token_type`, or Unauthenticated with a reason safe to show."""
    try:
        if jwt.get_unverified_header(token).get("typ") != token_type:
            raise Unauthenticated("token is not valid here")
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=settings.jwt_leeway_seconds,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("token is not valid") from exc
    return VerifiedToken(
        subject=str(claims["sub"]),
        token_id=str(claims["jti"]),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        claims=claims,
    )


def issue_access_token(*, settings: Settings, user_id: int, ttl_seconds: int | None = None, now: datetime | None = None) -> str:
    """A signed access token for `user_id`; roles are read from memberships at each request."""
    ttl = ttl_seconds if ttl_seconds is not None else settings.access_token_ttl_seconds
    return sign_token(settings=settings, token_type=ACCESS_TOKEN, subject=str(user_id), ttl_seconds=ttl, now=now)


def verify_access_token(token: str, *, settings: Settings) -> VerifiedToken:
    """The verified claims of an access token."""
    return verify_token(token, settings=settings, token_type=ACCESS_TOKEN)
