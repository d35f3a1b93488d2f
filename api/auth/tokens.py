"""Signed tokens (pyjwt): issue and verify, with every registered claim required."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


def issue_access_token(*, settings: Settings, user_id: int, ttl_seconds: int | None = None, now: datetime | None = None) -> str:
    """A signed access token for `user_id`; roles are read from memberships at each request."""
    issued = now or datetime.now(UTC)
    ttl = ttl_seconds if ttl_seconds is not None else settings.access_token_ttl_seconds
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "iat": issued,
        "nbf": issued,
        "exp": issued + timedelta(seconds=ttl),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256", headers={"typ": ACCESS_TOKEN})


def verify_access_token(token: str, *, settings: Settings) -> VerifiedToken:
    """The verified claims of an access token, or Unauthenticated with a reason safe to show."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != ACCESS_TOKEN:
            raise Unauthenticated("token is not an access token")
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
    )
