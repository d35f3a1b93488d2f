"""The delivery tests' database of their own, and the mail world on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.kit.database import create_engine, create_session_factory
from api.settings import Settings
from tests.api.delivery.world import MailWorld, make_mail_world


@pytest.fixture
async def sessions(app_settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(app_settings.resolved_database_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> MailWorld:
    async with sessions() as session:
        return await make_mail_world(session)
