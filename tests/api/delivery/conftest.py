"""The mail world, committed to the test's own database (the shared `sessions` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.delivery.world import MailWorld, make_mail_world


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> MailWorld:
    async with sessions() as session:
        return await make_mail_world(session)
