"""The webhook world, committed to the test's own database (the shared `sessions` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.webhooks.world import HookWorld, make_hook_world


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> HookWorld:
    async with sessions() as session:
        return await make_hook_world(session)
