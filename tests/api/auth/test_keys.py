"""Key configuration: what each setup signs with, what it refuses to load, and what production mode demands."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from api.auth.keys import key_set
from api.settings import Settings, SettingsError
from tests.fixtures.keys import ec_key, private_pem, public_pem, rsa_key

STRONG_SECRET = "s" * 48
PRODUCTION = {"mode": "production", "database_url": "postgresql+asyncpg://db/r", "publish_target": "file:///srv/sites",
              "smtp_url": "smtps://mail.example"}


def test_the_embedded_setup_signs_with_its_secret_under_one_kid() -> None:
    keys = key_set(Settings(jwt_secret=STRONG_SECRET))
    assert keys.signing.algorithm == "HS256" and keys.signing.material == STRONG_SECRET.encode()
    assert list(keys.verification) == [keys.signing.kid]
    assert keys.verifying("elsewhere") is None and keys.verifying(None) is None


def test_a_key_pair_setup_verifies_with_the_signing_keys_public_half_and_the_listed_keys() -> None:
    settings = Settings(jwt_algorithm="RS256", jwt_signing_key=private_pem(rsa_key("current")), jwt_signing_kid="new",
                        jwt_verification_keys={"old": public_pem(ec_key("previous"))})
    keys = key_set(settings)
    assert (keys.signing.kid, keys.signing.algorithm) == ("new", "RS256")
    assert {kid: key.algorithm for kid, key in keys.verification.items()} == {"new": "RS256", "old": "ES256"}
    assert key_set(settings) is keys


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"jwt_verification_keys": {"old": public_pem(rsa_key("previous"))}}, "needs RAPPORT_JWT_ALGORITHM RS256 or ES256"),
        ({"jwt_algorithm": "RS256"}, "needs RAPPORT_JWT_SIGNING_KEY"),
        ({"jwt_algorithm": "RS256", "jwt_signing_key": private_pem(ec_key("current"))}, "not a key for RS256"),
        ({"jwt_algorithm": "ES256", "jwt_signing_key": private_pem(rsa_key("current"))}, "not a key for ES256"),
        ({"jwt_algorithm": "ES256", "jwt_signing_key": "not a pem"}, "not an unencrypted PEM private key"),
        ({"jwt_algorithm": "ES256", "jwt_signing_key": private_pem(ec_key("current")),
          "jwt_verification_keys": {"old": "garbage"}}, "is not a PEM public key"),
        ({"jwt_algorithm": "ES256", "jwt_signing_key": private_pem(ec_key("current")), "jwt_signing_kid": "k",
          "jwt_verification_keys": {"k": public_pem(ec_key("previous"))}}, "names both the signing key"),
    ],
    ids=["hs-with-public-keys", "rs-without-key", "rs-with-ec-key", "es-with-rsa-key", "bad-pem", "bad-public-pem",
         "kid-clash"],
)
def test_unusable_key_setups_are_refused_with_one_line(values: dict, reason: str) -> None:
    with pytest.raises(SettingsError) as refusal:
        key_set(Settings(**values))
    assert reason in str(refusal.value) and "\n" not in str(refusal.value)


def test_short_rsa_keys_are_refused() -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(SettingsError, match="at least 2048 bits"):
        key_set(Settings(jwt_algorithm="RS256", jwt_signing_key=private_pem(weak)))


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"jwt_algorithm": "RS256"}, "RAPPORT_JWT_SIGNING_KEY (a PEM private key for RS256)"),
        ({"jwt_algorithm": "ES256"}, "RAPPORT_JWT_SIGNING_KEY (a PEM private key for ES256)"),
        ({"jwt_secret": STRONG_SECRET, "oidc_jwks_url": "https://idp.example/jwks"}, "RAPPORT_OIDC_ISSUER and"),
        ({"jwt_secret": STRONG_SECRET, "oidc_jwks_url": "https://idp.example/jwks", "oidc_issuer": "rapport",
          "oidc_audience": "rapport-api"}, "other than RAPPORT_JWT_ISSUER"),
        ({"jwt_secret": STRONG_SECRET, "oidc_jwks_url": "http://idp.example/jwks", "oidc_issuer": "https://idp.example",
          "oidc_audience": "rapport-api"}, "https:// RAPPORT_OIDC_JWKS_URL"),
    ],
)
def test_production_mode_refuses_incomplete_key_setups(values: dict, reason: str) -> None:
    with pytest.raises(SettingsError, match="production mode needs") as refusal:
        Settings(**PRODUCTION, **values).check_mode()
    assert reason in str(refusal.value) and "\n" not in str(refusal.value)


def test_production_mode_accepts_a_key_pair_with_a_survey_form_secret_instead_of_a_jwt_secret() -> None:
    Settings(**PRODUCTION, jwt_algorithm="ES256", jwt_signing_key=private_pem(ec_key("current")),
             survey_csrf_secret=STRONG_SECRET).check_mode()
    Settings(**PRODUCTION, jwt_secret=STRONG_SECRET, oidc_jwks_url="https://idp.example/jwks",
             oidc_issuer="https://idp.example", oidc_audience="rapport-api").check_mode()
