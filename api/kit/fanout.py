"""Small messages to every process: memory:// (this process only), redis:// (pub/sub) or postgresql:// (LISTEN/NOTIFY).

Delivery is best effort: a message sent while a listener is disconnected is not replayed. A listener is told
each time it (re)connects, by a None in its stream, so that it can catch up from what is stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Protocol
from urllib.parse import urlsplit

import asyncpg
import redis.asyncio as redis
from redis.exceptions import RedisError

logger = logging.getLogger("rapport.fanout")
CHANNEL = "rapport_activity"
SCHEMES = ("memory", "redis", "rediss", "postgresql", "postgres")
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)


class Fanout(Protocol):
    async def publish(self, message: str) -> None:
        """Send `message` to every listener of every process (best effort)."""

    def listen(self) -> AsyncIterator[str | None]:
        """The messages sent from now on; None each time the connection is made or made again."""

    async def close(self) -> None:
        """Let go of connections."""


def open_fanout(url: str) -> Fanout:
    """The fan-out `url` names."""
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme == "memory":
        return MemoryFanout()
    if scheme in ("redis", "rediss"):
        return RedisFanout(url)
    if scheme in ("postgresql", "postgres"):
        return PostgresFanout(url)
    raise ValueError(f"RAPPORT_EVENTS_URL must start with one of {', '.join(s + '://' for s in SCHEMES)}")


class MemoryFanout:
    """Within one process."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[str]] = set()

    async def publish(self, message: str) -> None:
        for queue in self._queues:
            queue.put_nowait(message)

    async def listen(self) -> AsyncIterator[str | None]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield None
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)

    async def close(self) -> None:
        return None


class RedisFanout:
    """Redis pub/sub on one channel, reconnecting with a growing pause when the connection drops."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, health_check_interval=10, socket_keepalive=True,
                                            socket_connect_timeout=5)

    async def publish(self, message: str) -> None:
        try:
            await self._client.publish(CHANNEL, message)
        except (RedisError, OSError) as exc:
            logger.warning("could not publish to Redis: %s", exc)

    async def listen(self) -> AsyncIterator[str | None]:
        failures = 0
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CHANNEL)
                failures = 0
                yield None
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        yield message["data"].decode()
            except (RedisError, OSError) as exc:
                logger.warning("Redis pub/sub connection lost: %s", exc)
            finally:
                await pubsub.aclose()
            await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
            failures += 1

    async def close(self) -> None:
        await self._client.aclose()


class PostgresFanout:
    """NOTIFY on the database's channel, delivered on commit; one LISTEN connection per listener."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._dsn = parts._replace(scheme="postgresql").geturl()
        self._sender: asyncpg.Connection | None = None
        self._sending = asyncio.Lock()

    async def publish(self, message: str) -> None:
        async with self._sending:
            try:
                if self._sender is None or self._sender.is_closed():
                    self._sender = await asyncpg.connect(self._dsn, timeout=5)
                await self._sender.execute("SELECT pg_notify($1, $2)", CHANNEL, message)
            except (asyncpg.PostgresError, OSError, asyncio.TimeoutError) as exc:
                logger.warning("could not NOTIFY: %s", exc)
                self._sender = None

    async def listen(self) -> AsyncIterator[str | None]:
        failures = 0
        while True:
            received: asyncio.Queue[str | None] = asyncio.Queue()
            try:
                connection = await asyncpg.connect(self._dsn, timeout=5)
            except (asyncpg.PostgresError, OSError, asyncio.TimeoutError) as exc:
                logger.warning("could not LISTEN: %s", exc)
            else:
                try:
                    connection.add_termination_listener(lambda _connection: received.put_nowait(None))
                    await connection.add_listener(CHANNEL, lambda *args: received.put_nowait(args[3]))
                    failures = 0
                    yield None
                    while (message := await received.get()) is not None:
                        yield message
                    logger.warning("LISTEN connection lost")
                finally:
                    if not connection.is_closed():
                        await connection.close(timeout=5)
            await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
            failures += 1

    async def close(self) -> None:
        if self._sender is not None and not self._sender.is_closed():
            await self._sender.close(timeout=5)
