"""Forged, stale and misused tokens are refused; rotation and ES256 work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import service as auth_service
from api.auth import tokens
from api.auth.models import Role
from api.kit.errors import Unauthenticated
from api.organizations.models import OrganizationKind
from api.settings import Settings
from tests.fixtures.factories import make_organization, make_user
from tests.fixtures.keys import (
    asymmetric_settings,
    claims_for,
    ec_key,
    hmac_forgery,
    public_pem,
    rsa_key,
    with_payload,
)

RS256 = asymmetric_settings("RS256", rsa_key("current"), "2026-07")
HS256 = Settings(jwt_secret="h" * 40)


def _refused(token: str, settings: Settings, token_type: str = tokens.ACCESS_TOKEN) -> str:
    with pytest.raises(Unauthenticated) as refusal:
        tokens.verify_token(token, settings=settings, token_type=token_type)
    return refusal.value.message


def _signed(settings: Settings, claims: dict, *, typ: str = tokens.ACCESS_TOKEN, kid: str = "2026-07") -> str:
    return jwt.encode(claims, rsa_key("current"), algorithm="RS256", headers={"typ": typ, "kid": kid})


def test_a_well_formed_rs256_token_verifies_and_names_its_key() -> None:
    token = tokens.issue_access_token(settings=RS256, user_id=7)
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "at+jwt", "kid": "2026-07"}
    assert tokens.verify_access_token(token, settings=RS256).subject == "7"
    assert tokens.verify_access_token(_signed(RS256, claims_for(RS256, "7")), settings=RS256).subject == "7"


def test_an_unsigned_token_is_refused() -> None:
    unsigned = jwt.encode(claims_for(RS256, "7"), None, algorithm="none", headers={"typ": "at+jwt", "kid": "2026-07"})
    assert _refused(unsigned, RS256) == "token is not valid"


def test_hs256_signed_with_the_rs256_public_key_is_refused() -> None:
    header = {"alg": "HS256", "typ": "at+jwt", "kid": "2026-07"}
    forged = hmac_forgery(header, claims_for(RS256, "7"), public_pem(rsa_key("current")).encode())
    assert _refused(forged, RS256) == "token is not valid"


def test_an_hs256_setup_refuses_rs256_tokens_even_with_its_kid() -> None:
    claims = claims_for(HS256, "7")
    token = jwt.encode(claims, rsa_key("current"), algorithm="RS256", headers={"typ": "at+jwt", "kid": HS256.jwt_signing_kid})
    assert _refused(token, HS256) == "token is not valid"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "another-api"}, "token is not valid"),
        ({"iss": "someone-else"}, "token is not valid"),
        ({"exp": datetime.now(UTC) - timedelta(minutes=5)}, "token has expired"),
        ({"nbf": datetime.now(UTC) + timedelta(minutes=5)}, "token is not valid"),
        ({"exp": None}, "token is not valid"),
        ({"jti": None}, "token is not valid"),
        ({"sub": None}, "token is not valid"),
    ],
    ids=["wrong-audience", "wrong-issuer", "expired", "not-yet-valid", "no-exp", "no-jti", "no-sub"],
)
def test_claims_that_do_not_check_out_are_refused(claims: dict, reason: str) -> None:
    assert _refused(_signed(RS256, claims_for(RS256, "7", **claims)), RS256) == reason


def test_the_leeway_admits_small_clock_skew_only() -> None:
    skewed = _signed(RS256, claims_for(RS256, "7", nbf=datetime.now(UTC) + timedelta(seconds=10)))
    assert tokens.verify_access_token(skewed, settings=RS256).subject == "7"
    late = _signed(RS256, claims_for(RS256, "7", exp=datetime.now(UTC) - timedelta(seconds=10)))
    assert tokens.verify_access_token(late, settings=RS256).subject == "7"


def test_an_unknown_or_missing_kid_is_refused() -> None:
    assert _refused(_signed(RS256, claims_for(RS256, "7"), kid="2025-01"), RS256) == "token is not valid"
    no_kid = jwt.encode(claims_for(RS256, "7"), rsa_key("current"), algorithm="RS256", headers={"typ": "at+jwt"})
    assert _refused(no_kid, RS256) == "token is not valid"


def test_a_tampered_payload_is_refused() -> None:
    token = tokens.issue_access_token(settings=RS256, user_id=7)
    assert _refused(with_payload(token, sub="1"), RS256) == "token is not valid"


@pytest.mark.parametrize("settings", [RS256, HS256], ids=["RS256", "HS256"])
def test_each_kind_of_token_is_refused_where_another_is_expected(settings: Settings) -> None:
    kinds = [tokens.ACCESS_TOKEN, tokens.API_TOKEN, tokens.SURVEY_LINK]
    for issued in kinds:
        token = tokens.sign_token(settings=settings, token_type=issued, subject="7", ttl_seconds=600)
        assert tokens.verify_token(token, settings=settings, token_type=issued).subject == "7"
        for expected in set(kinds) - {issued}:
            assert _refused(token, settings, expected) == "token is not valid here"


async def test_a_survey_link_does_not_sign_anyone_in(session: AsyncSession) -> None:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    user = await make_user(session, organization=pmo, role=Role.PMO_ADMIN)
    survey = tokens.sign_token(settings=HS256, token_type=tokens.SURVEY_LINK, subject=str(user.id), ttl_seconds=600)
    with pytest.raises(Unauthenticated):
        await auth_service.authenticate(session, settings=HS256, bearer=survey)
    access = tokens.issue_access_token(settings=HS256, user_id=user.id)
    assert (await auth_service.authenticate(session, settings=HS256, bearer=access)).user_id == user.id


def test_rotation_keeps_old_tokens_valid_until_the_old_key_is_removed() -> None:
    before = asymmetric_settings("RS256", rsa_key("previous"), "2026-01")
    old_token = tokens.issue_access_token(settings=before, user_id=7)
    rotating = asymmetric_settings("RS256", rsa_key("current"), "2026-07",
                                   jwt_verification_keys={"2026-01": public_pem(rsa_key("previous"))})
    new_token = tokens.issue_access_token(settings=rotating, user_id=8)
    assert jwt.get_unverified_header(new_token)["kid"] == "2026-07"
    assert tokens.verify_access_token(old_token, settings=rotating).subject == "7"
    assert tokens.verify_access_token(new_token, settings=rotating).subject == "8"
    assert _refused(new_token, before) == "token is not valid"

    after = asymmetric_settings("RS256", rsa_key("current"), "2026-07")
    assert _refused(old_token, after) == "token is not valid"
    assert tokens.verify_access_token(new_token, settings=after).subject == "8"


def test_a_verification_key_checks_only_its_own_algorithm() -> None:
    mixed = asymmetric_settings("ES256", ec_key("current"), "es-2", jwt_verification_keys={"rs-1": public_pem(rsa_key("previous"))})
    rs_token = jwt.encode(claims_for(mixed, "7"), rsa_key("previous"), algorithm="RS256", headers={"typ": "at+jwt", "kid": "rs-1"})
    assert tokens.verify_access_token(rs_token, settings=mixed).subject == "7"
    es_under_rs_kid = jwt.encode(claims_for(mixed, "7"), ec_key("current"), algorithm="ES256",
                                 headers={"typ": "at+jwt", "kid": "rs-1"})
    assert _refused(es_under_rs_kid, mixed) == "token is not valid"


def test_es256_signs_and_verifies() -> None:
    settings = asymmetric_settings("ES256", ec_key("current"), "es-1")
    token = tokens.issue_access_token(settings=settings, user_id=7)
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    assert tokens.verify_access_token(token, settings=settings).subject == "7"
    other = asymmetric_settings("ES256", ec_key("other"), "es-1")
    assert _refused(token, other) == "token is not valid"
