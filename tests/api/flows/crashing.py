"""Processes that die at the worst moments.

    python -m tests.api.flows.crashing URL FOLDER after-commit PMO_ID STAFF_ID REPORT_ID
        publish the report, commit, and die before any reaction has run;
    python -m tests.api.flows.crashing URL FOLDER mid-reaction
        run the pending reactions, and die inside the first once its work is written, before its commit.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from api.auth.models import Role
from api.changes.tracking import install_change_tracking
from api.flows import reactions
from api.flows.runner import run_due_reactions
from api.kit.database import create_engine, create_session_factory
from api.reports import service as report_service
from tests.fixtures.auth import settings_for
from tests.fixtures.graphql import principal


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _dying(flow: reactions.Flow) -> reactions.Flow:
    async def work_then_die(session: Any, event: Any, settings: Any) -> None:
        await flow.handler(session, event, settings)
        await session.flush()
        _die()
    return reactions.Flow(flow.name, work_then_die)


async def main(url: str, folder: str, mode: str, *ids: str) -> None:
    install_change_tracking()
    session_factory = create_session_factory(create_engine(url))
    if mode == "after-commit":
        pmo_id, staff_id, report_id = map(int, ids)
        async with session_factory() as session:
            await report_service.publish_status_report(
                session, principal=principal(pmo_id, Role.PMO_STAFF, user_id=staff_id), report_id=report_id)
            await session.commit()
        _die()
    reactions.BY_NAME.update({name: _dying(flow) for name, flow in reactions.BY_NAME.items()})
    await run_due_reactions(session_factory, settings=settings_for(url, Path(folder)))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
