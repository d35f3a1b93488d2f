"""Shared reads: subscriptions woken by the same message check one token and read the same rows once, and never
share a read that started before the last message."""

from __future__ import annotations

import asyncio

import pytest

from api.activity.live import LiveActivity
from api.kit.fanout import MemoryFanout


class Reads:
    """A read that counts its calls and waits until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self) -> int:
        self.calls += 1
        call = self.calls
        await self.release.wait()
        return call


async def _listening(live: LiveActivity):  # noqa: ANN202
    task = asyncio.create_task(live.run())
    await asyncio.sleep(0)
    return task


async def test_reads_under_way_with_one_key_are_done_once() -> None:
    live, read = LiveActivity(MemoryFanout(), per_principal=5), Reads()
    readers = [asyncio.create_task(live.together(("rows", 1), read)) for _ in range(50)]
    await asyncio.sleep(0.01)
    read.release.set()
    assert await asyncio.gather(*readers) == [1] * 50
    assert read.calls == 1
    assert await live.together(("rows", 1), read) == 2  # once finished, it is not kept


async def test_different_keys_read_apart() -> None:
    live, read = LiveActivity(MemoryFanout(), per_principal=5), Reads()
    readers = [asyncio.create_task(live.together(("rows", key), read)) for key in (1, 2)]
    await asyncio.sleep(0.01)
    read.release.set()
    assert sorted(await asyncio.gather(*readers)) == [1, 2]


async def test_a_read_started_before_a_message_is_not_shared_after_it() -> None:
    """The commit the message announced may have landed after that read began: a subscription it woke reads anew."""
    fanout = MemoryFanout()
    live, read = LiveActivity(fanout, per_principal=5), Reads()
    listening = await _listening(live)
    try:
        early = asyncio.create_task(live.together(("rows", 1), read))
        await asyncio.sleep(0.01)
        await fanout.publish('{"activity": 1}')
        await asyncio.sleep(0.01)
        late = asyncio.create_task(live.together(("rows", 1), read))
        await asyncio.sleep(0.01)
        read.release.set()
        assert (await early, await late) == (1, 2)
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)


async def test_when_the_reader_goes_away_the_others_read_for_themselves() -> None:
    live, read = LiveActivity(MemoryFanout(), per_principal=5), Reads()
    leader = asyncio.create_task(live.together(("rows", 1), read))
    await asyncio.sleep(0.01)
    follower = asyncio.create_task(live.together(("rows", 1), read))
    await asyncio.sleep(0.01)
    leader.cancel()
    await asyncio.sleep(0.01)
    read.release.set()
    assert await follower == 2
    assert leader.cancelled()


async def test_a_failed_read_fails_for_everyone_who_shared_it() -> None:
    live = LiveActivity(MemoryFanout(), per_principal=5)
    started = asyncio.Event()

    async def refused() -> int:
        started.set()
        await asyncio.sleep(0.01)
        raise PermissionError("token revoked")

    leader = asyncio.create_task(live.together(("token", "t"), refused))
    await started.wait()
    follower = asyncio.create_task(live.together(("token", "t"), refused))
    for task in (leader, follower):
        with pytest.raises(PermissionError):
            await task
