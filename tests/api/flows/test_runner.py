"""Reactions run after commit, at least once and once in effect, are retried when they fail and left visible
when they give up; a process killed after the commit, or inside a reaction, loses nothing and doubles nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.changes import service as changes_service
from api.changes.models import OutboxEvent, Reaction, ReactionState
from api.cx.models import Touchpoint
from api.cx.surveys.models import SurveyInvitation
from api.flows import reactions, runner
from api.kit.columns import utcnow
from api.reports import service as report_service
from api.settings import Settings
from api.sites.models import BuildState, BuildTrigger, SiteBuild
from tests.api.flows.world import World, make_world, publish


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    async with sessions() as session:
        return await make_world(session)


async def _invitations(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int | None, Touchpoint]]:
    async with sessions() as session:
        rows = await session.execute(select(SurveyInvitation.contact_id, SurveyInvitation.touchpoint)
                                     .order_by(SurveyInvitation.contact_id))
        return [tuple(row) for row in rows]


async def _event_builds(sessions: async_sessionmaker[AsyncSession], client_id: int) -> list[BuildState]:
    async with sessions() as session:
        return list(await session.scalars(select(SiteBuild.state).where(
            SiteBuild.client_id == client_id, SiteBuild.trigger == BuildTrigger.EVENT)))


async def _reactions(sessions: async_sessionmaker[AsyncSession]) -> dict[str, tuple[ReactionState, int]]:
    async with sessions() as session:
        rows = await session.scalars(select(Reaction).order_by(Reaction.id))
        return {row.name: (row.state, row.attempts) for row in rows}


async def test_reactions_run_once_after_commit_and_never_for_work_rolled_back(
    sessions: async_sessionmaker[AsyncSession], world: World, app_settings: Settings,
) -> None:
    await runner.run_due_reactions(sessions, settings=app_settings)  # to the setting up
    async with sessions() as session:
        await report_service.publish_status_report(session, principal=world.staff, report_id=world.report_id)
        await session.rollback()
    assert await runner.run_due_reactions(sessions, settings=app_settings) == 0
    assert await _invitations(sessions) == []

    async with sessions() as session:
        await publish(session, world)
    assert await _invitations(sessions) == []  # nothing happens before the dispatcher runs
    assert await runner.run_due_reactions(sessions, settings=app_settings) == 4
    expected = [(contact_id, Touchpoint.STATUS_REPORT) for contact_id in sorted(world.contact_ids)]
    assert await _invitations(sessions) == expected
    assert await _event_builds(sessions, world.client_id) == [BuildState.QUEUED]
    assert await _reactions(sessions) == {"rebuild_sites": (ReactionState.DONE, 1),
                                          "notify_report_readers": (ReactionState.DONE, 1),
                                          "call_webhooks": (ReactionState.DONE, 1),
                                          "note_activity": (ReactionState.DONE, 1)}
    # The invitations (its response rate) and the activity line (its sites' recent activity) are changes the client
    # sees: their two rebuilds join the queued one.
    assert await runner.run_due_reactions(sessions, settings=app_settings) == 2
    assert await runner.run_due_reactions(sessions, settings=app_settings) == 0
    assert await _invitations(sessions) == expected
    assert await _event_builds(sessions, world.client_id) == [BuildState.QUEUED]


async def test_a_failing_reaction_is_retried_with_backoff_then_left_failed_with_its_error(
    sessions: async_sessionmaker[AsyncSession], world: World, app_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await runner.run_due_reactions(sessions, settings=app_settings)

    invite = reactions.BY_NAME["notify_report_readers"].handler

    async def broken(session: AsyncSession, event: object, settings: Settings) -> None:
        await invite(session, event, settings)
        await session.flush()  # the invitations are written, then undone with the failure
        raise RuntimeError("the mail relay is down")

    monkeypatch.setitem(reactions.BY_NAME, "notify_report_readers", reactions.Flow("notify_report_readers", broken))
    async with sessions() as session:
        await publish(session, world)
    await runner.run_due_reactions(sessions, settings=app_settings)
    assert (await _reactions(sessions))["notify_report_readers"] == (ReactionState.PENDING, 1)
    assert await _invitations(sessions) == []
    async with sessions() as session:
        [failed] = await session.scalars(select(Reaction).where(Reaction.name == "notify_report_readers"))
        assert failed.error == "RuntimeError: the mail relay is down"
        assert failed.due_at > utcnow() + runner.FIRST_RETRY_DELAY / 2 and failed.finished_at is None
    for attempt in range(2, runner.MAX_ATTEMPTS + 1):
        async with sessions() as session:
            await session.execute(update(Reaction).values(due_at=utcnow()))  # its retry has come due
            await session.commit()
        await runner.run_due_reactions(sessions, settings=app_settings)
        assert (await _reactions(sessions))["notify_report_readers"][1] == attempt
    assert (await _reactions(sessions))["notify_report_readers"] == (ReactionState.FAILED, runner.MAX_ATTEMPTS)
    async with sessions() as session:
        assert [r.name for r in await changes_service.failed_reactions(session)] == ["notify_report_readers"]
    assert await _invitations(sessions) == []


def _crash(settings: Settings, folder: Path, *arguments: object) -> None:
    process = subprocess.run([sys.executable, "-m", "tests.api.flows.crashing", settings.resolved_database_url,
                              str(folder), *map(str, arguments)], capture_output=True, text=True, timeout=120)
    assert process.returncode == -9, process.stderr  # killed, as planned


async def test_a_process_killed_after_its_commit_or_inside_a_reaction_loses_and_doubles_nothing(
    sessions: async_sessionmaker[AsyncSession], world: World, app_settings: Settings, tmp_path: Path,
) -> None:
    await runner.run_due_reactions(sessions, settings=app_settings)
    async with sessions() as session:
        await session.execute(update(SiteBuild).values(state=BuildState.UNCHANGED))  # the setting up's, done
        await session.commit()
    _crash(app_settings, tmp_path, "after-commit", world.pmo_id, world.staff_user_id, world.report_id)
    async with sessions() as session:
        assert await session.scalar(select(OutboxEvent.id).where(OutboxEvent.kind == "ReportPublished"))
    assert await _invitations(sessions) == []

    _crash(app_settings, tmp_path, "mid-reaction")  # dies inside the first reaction, before its commit
    assert await _invitations(sessions) == []
    assert await _event_builds(sessions, world.client_id) == [BuildState.UNCHANGED]

    await runner.run_due_reactions(sessions, settings=app_settings)  # the restart
    await runner.run_due_reactions(sessions, settings=app_settings)
    assert await _invitations(sessions) == [(contact_id, Touchpoint.STATUS_REPORT)
                                            for contact_id in sorted(world.contact_ids)]
    assert await _event_builds(sessions, world.client_id) == [BuildState.UNCHANGED, BuildState.QUEUED]
    assert {state for state, _ in (await _reactions(sessions)).values()} == {ReactionState.DONE}
