"""Reading the seam's state: clients' data versions and the reactions that did not succeed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.changes.models import ClientDataVersion, Reaction, ReactionState


async def data_version(session: AsyncSession, *, client_id: int) -> int:
    """The client's data version as this transaction sees it (0 before its first change)."""
    version = await session.scalar(select(ClientDataVersion.version).where(ClientDataVersion.client_id == client_id))
    return version or 0


async def failed_reactions(session: AsyncSession) -> list[Reaction]:
    """Reactions that gave up after their last attempt, newest first, with their errors."""
    return list(await session.scalars(
        select(Reaction).where(Reaction.state == ReactionState.FAILED).order_by(Reaction.id.desc())))
