"""Reading the seam's state: clients' data versions and the reactions that did not succeed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.changes.models import ClientDataVersion, Reaction, ReactionState


async def data_version(session: AsyncSession, *, client_id: int) -> int:
    """The client's data version as this transaction sees it (0 before its first change)."""
    version = await session.scalar(select(ClientDataVersion.version).where(ClientDataVersion.client_id == client_id))
    return version or 0


async def data_versions(session: AsyncSession, *, client_ids: Sequence[int]) -> dict[int, int]:
    """Each client's data version, in one read (0 before a client's first change)."""
    rows = await session.execute(select(ClientDataVersion.client_id, ClientDataVersion.version)
                                 .where(ClientDataVersion.client_id.in_(client_ids)))
    found = dict(rows.all())
    return {client_id: found.get(client_id, 0) for client_id in client_ids}


async def failed_reactions(session: AsyncSession) -> list[Reaction]:
    """Reactions that gave up after their last attempt, newest first, with their errors."""
    return list(await session.scalars(
        select(Reaction).where(Reaction.state == ReactionState.FAILED).order_by(Reaction.id.desc())))
