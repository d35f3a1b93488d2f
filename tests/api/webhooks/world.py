"""The mail world with webhook endpoints' owners: a PMO admin, and the client's API token with write scope."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth import scopes as token_scopes
from api.auth.models import ApiToken, Role, User
from api.auth.principal import Grant, Principal
from api.context import Context
from api.delivery.sender import send_due_deliveries
from api.flows.runner import run_due_reactions
from api.organizations.models import Organization, OrganizationKind
from api.schema import get_schema
from api.settings import Settings
from api.webhooks.sender import http_client
from tests.api.delivery.world import MailWorld, make_mail_world
from tests.fixtures.factories import make_user
from tests.fixtures.graphql import principal

CREATE = """
mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    webhookEndpoint { id url owner enabled eventTypes client { name } }
    secret
    userErrors { field message code }
  }
}
"""


@dataclass(frozen=True)
class HookWorld:
    mail: MailWorld
    admin: Principal
    admin_email: str
    client_token: Principal
    token_owner_email: str
    read_only_token: Principal
    executive: Principal


async def make_hook_world(session: AsyncSession) -> HookWorld:
    mail = await make_mail_world(session)
    pmo = await session.scalar(select(Organization).where(Organization.kind == OrganizationKind.PMO))
    client = await session.get(Organization, mail.client_id)
    assert pmo is not None and client is not None
    admin = await make_user(session, organization=pmo, role=Role.PMO_ADMIN, email="admin@pmo.example")
    executive = await session.scalar(select(User).where(User.email == mail.executive_email))
    assert executive is not None
    tokens = {}
    for name, scopes in (("integration", [token_scopes.READ, token_scopes.WRITE]), ("reader", [token_scopes.READ])):
        row = ApiToken(name=name, organization_id=client.id, created_by_id=executive.id, role=Role.CLIENT_EXECUTIVE,
                       scopes=scopes, token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
                       expires_at=datetime.now(UTC) + timedelta(days=30))
        session.add(row)
        await session.flush()
        tokens[name] = Principal(grants=(Grant(organization_id=client.id, role=Role.CLIENT_EXECUTIVE),),
                                 api_token_id=row.id, scopes=frozenset(scopes))
    await session.commit()
    return HookWorld(mail=mail, admin=principal(pmo.id, Role.PMO_ADMIN, user_id=admin.id), admin_email=admin.email,
                     client_token=tokens["integration"], token_owner_email=executive.email,
                     read_only_token=tokens["reader"],
                     executive=principal(client.id, Role.CLIENT_EXECUTIVE, user_id=executive.id))


async def run(sessions: async_sessionmaker[AsyncSession], settings: Settings, actor: Principal, document: str,
              **variables: Any) -> Any:
    """Run an operation through the schema as `actor` and commit, as a request does; the result."""
    async with sessions() as session:
        context = Context(session=session, principal=actor, settings=settings, request_id="test")
        result = await get_schema(settings).execute(document, variable_values=variables, context_value=context)
        await session.commit()
        return result


async def create_endpoint(sessions: async_sessionmaker[AsyncSession], settings: Settings, actor: Principal,
                          **values: Any) -> dict[str, Any]:
    """createWebhookEndpoint's payload (its userErrors must be checked by the caller)."""
    result = await run(sessions, settings, actor, CREATE, input=values)
    assert result.errors is None, [error.message for error in result.errors]
    return result.data["createWebhookEndpoint"]


async def react_and_call(sessions: async_sessionmaker[AsyncSession], settings: Settings, *,
                         timeout: float | None = None) -> int:
    """Run the reactions to what was committed, then send every due webhook; how many were attempted."""
    await run_due_reactions(sessions, settings=settings)
    client = http_client()
    if timeout is not None:
        client.timeout = timeout  # type: ignore[assignment]
    try:
        return await send_due_deliveries(sessions, settings=settings, transport=None, client=client)
    finally:
        await client.aclose()
