"""Issuing access tokens (what `rapport token issue` runs) and turning them back into principals."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth import service as auth_service
from api.auth import tokens
from api.auth.models import Role
from api.kit.errors import InvalidInput, NotFound, Unauthenticated
from api.settings import Settings
from tests.fixtures.factories import make_client, make_user
from tests.fixtures.keys import asymmetric_settings, rsa_key

SETTINGS = asymmetric_settings("RS256", rsa_key("current"), "2026-07", access_token_ttl_seconds=900)


async def test_an_issued_token_signs_its_user_in_and_is_audited(session: AsyncSession) -> None:
    client = await make_client(session)
    user = await make_user(session, organization=client, role=Role.CLIENT_EXECUTIVE, email="cio@agency.example")
    token = await auth_service.issue_token(session, settings=SETTINGS, email=" CIO@agency.example ")
    verified = tokens.verify_access_token(token, settings=SETTINGS)
    assert verified.subject == str(user.id)
    assert verified.expires_at.timestamp() - verified.claims["iat"] == 900

    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "access_token.issue",
                                                          AuditEvent.object_id == user.id))
    assert event.details == {"jti": verified.token_id, "ttl_seconds": 900}

    principal = await auth_service.authenticate(session, settings=SETTINGS, bearer=token)
    assert (principal.user_id, principal.scopes, principal.api_token_id) == (user.id, None, None)
    assert [(g.organization_id, g.role) for g in principal.grants] == [(client.id, Role.CLIENT_EXECUTIVE)]


async def test_tokens_are_issued_only_to_known_active_users_for_sensible_lifetimes(session: AsyncSession) -> None:
    client = await make_client(session)
    user = await make_user(session, organization=client, role=Role.CLIENT_CONTACT)
    with pytest.raises(NotFound):
        await auth_service.issue_token(session, settings=SETTINGS, email="ghost@nowhere.example")
    for ttl in (59, 31 * 24 * 3600):
        with pytest.raises(InvalidInput, match="ttl must be between"):
            await auth_service.issue_token(session, settings=SETTINGS, email=user.email, ttl_seconds=ttl)
    token = await auth_service.issue_token(session, settings=SETTINGS, email=user.email, ttl_seconds=60)
    user.is_active = False
    await session.flush()
    with pytest.raises(InvalidInput, match="deactivated"):
        await auth_service.issue_token(session, settings=SETTINGS, email=user.email)
    with pytest.raises(Unauthenticated):
        await auth_service.authenticate(session, settings=SETTINGS, bearer=token)


async def test_garbage_and_tokens_for_other_setups_do_not_authenticate(session: AsyncSession) -> None:
    client = await make_client(session)
    user = await make_user(session, organization=client, role=Role.CLIENT_CONTACT)
    foreign = tokens.issue_access_token(settings=Settings(jwt_secret="f" * 40), user_id=user.id)
    for bearer in ("not.a.token", "", foreign):
        with pytest.raises(Unauthenticated):
            await auth_service.authenticate(session, settings=SETTINGS, bearer=bearer)
