"""Token keys: an HS256 secret (embedded), RS256/ES256 key pairs with kid rotation, and an OIDC issuer's JWKS.

Every key carries the one algorithm it may be used with, so a token can never choose its own: the
token's `kid` picks the key, and the key decides the algorithm. HS and RS/ES keys never share a key set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from api.settings import Settings, SettingsError

HMAC_ALGORITHMS = frozenset({"HS256"})
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "ES256"})
MIN_RSA_BITS = 2048
JWKS_CACHE_SECONDS = 300
JWKS_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Key:
    """One key, named by its kid, usable with exactly one algorithm."""

    kid: str
    algorithm: str
    material: Any


@dataclass(frozen=True)
class KeySet:
    """The active signing key and every key a token may currently be verified with, by kid."""

    signing: Key
    verification: Mapping[str, Key]

    def verifying(self, kid: object) -> Key | None:
        """The verification key named `kid`, or None when the kid is missing or unknown."""
        return self.verification.get(kid) if isinstance(kid, str) else None


def key_set(settings: Settings) -> KeySet:
    """The key set `settings` describe, parsed once per distinct configuration; SettingsError when unusable."""
    signing_pem = settings.jwt_signing_key.get_secret_value() if settings.jwt_signing_key else None
    return _load_key_set(
        settings.jwt_algorithm,
        settings.jwt_secret.get_secret_value(),
        signing_pem,
        settings.jwt_signing_kid,
        tuple(sorted(settings.jwt_verification_keys.items())),
    )


@lru_cache(maxsize=16)
def _load_key_set(
    algorithm: str, secret: str, signing_pem: str | None, kid: str, verification_pems: tuple[tuple[str, str], ...]
) -> KeySet:
    if algorithm in HMAC_ALGORITHMS:
        if verification_pems:
            raise SettingsError("RAPPORT_JWT_VERIFICATION_KEYS needs RAPPORT_JWT_ALGORITHM RS256 or ES256")
        secret_key = Key(kid=kid, algorithm=algorithm, material=secret.encode())
        return KeySet(signing=secret_key, verification={kid: secret_key})
    if signing_pem is None:
        raise SettingsError(f"RAPPORT_JWT_ALGORITHM {algorithm} needs RAPPORT_JWT_SIGNING_KEY (a PEM private key)")
    private_key = _private_key(signing_pem, algorithm)
    verification = {kid: Key(kid=kid, algorithm=algorithm, material=private_key.public_key())}
    for other_kid, pem in verification_pems:
        public_key = _public_key(pem, other_kid)
        if other_kid == kid:
            if _der(public_key) != _der(private_key.public_key()):
                raise SettingsError(f"kid {kid!r} names both the signing key and a different verification key")
            continue
        verification[other_kid] = Key(kid=other_kid, algorithm=_algorithm_of(public_key, other_kid), material=public_key)
    return KeySet(signing=Key(kid=kid, algorithm=algorithm, material=private_key), verification=verification)


def _private_key(pem: str, algorithm: str) -> Any:
    try:
        private_key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise SettingsError("RAPPORT_JWT_SIGNING_KEY is not an unencrypted PEM private key") from exc
    if _algorithm_of(private_key.public_key(), "the signing key") != algorithm:
        raise SettingsError(f"RAPPORT_JWT_SIGNING_KEY is not a key for {algorithm}")
    return private_key


def _public_key(pem: str, kid: str) -> Any:
    try:
        return load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"RAPPORT_JWT_VERIFICATION_KEYS[{kid!r}] is not a PEM public key") from exc


def _algorithm_of(public_key: Any, name: str) -> str:
    """RS256 for an RSA key of at least 2048 bits, ES256 for a P-256 key; anything else is refused."""
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= MIN_RSA_BITS:
        return "RS256"
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        return "ES256"
    raise SettingsError(f"{name} must be an RSA key of at least {MIN_RSA_BITS} bits or a P-256 EC key")


def _der(public_key: Any) -> bytes:
    return public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def oidc_configured(settings: Settings) -> bool:
    """Whether an external OIDC issuer is configured completely (JWKS URL, issuer and audience)."""
    return bool(settings.oidc_jwks_url and settings.oidc_issuer and settings.oidc_audience)


@lru_cache(maxsize=4)
def jwks_client(url: str) -> jwt.PyJWKClient:
    """The process's JWKS client for `url`, created once so that its key cache outlives requests."""
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=JWKS_TIMEOUT_SECONDS)


async def oidc_key(settings: Settings, token: str) -> Key:
    """The OIDC issuer's key for `token`'s kid; the blocking JWKS fetch runs off the event loop."""
    client = jwks_client(settings.oidc_jwks_url or "")
    signing_key = await asyncio.to_thread(client.get_signing_key_from_jwt, token)
    if signing_key.algorithm_name not in ASYMMETRIC_ALGORITHMS:
        raise jwt.InvalidAlgorithmError(f"the issuer's key uses {signing_key.algorithm_name}")
    return Key(kid=signing_key.key_id or "", algorithm=signing_key.algorithm_name, material=signing_key.key)
