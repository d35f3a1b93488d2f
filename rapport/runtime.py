"""What every command shares: settings, a database session per command, one-line errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.changes.tracking import install_change_tracking
from api.kit.database import create_engine, create_session_factory
from api.settings import Settings


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on the configured database, disposed of afterwards."""
    install_change_tracking()
    engine = create_engine(settings.resolved_database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def unit_of_work(settings: Settings) -> AsyncIterator[AsyncSession]:
    """One session whose work is committed when the block succeeds (the command's transaction)."""
    async with database(settings) as session_factory, session_factory() as session:
        yield session
        await session.commit()


def prepare_data_dir(settings: Settings) -> None:
    """Create the embedded data folder when the configuration relies on it."""
    if not settings.database_url or not settings.publish_target:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
