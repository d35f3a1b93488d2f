"""Sending notices to a real SMTP server on loopback (aiosmtpd): one reused connection against one per message.

    python -m bench.delivery [--messages 2000]

Both runs send the same multipart notices (a rendered report notice, one per recipient) through Rapport's
SmtpTransport, in the same process and the same run; the server counts what arrived and the connections opened.
Prints messages per second for each and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import time
from datetime import UTC, datetime

from aiosmtpd.controller import Controller

from api.delivery.mail import SmtpServer, SmtpTransport
from api.delivery.messages import build_message
from api.settings import Settings

TEXT = "HAR-7 status: March status (Amber)\n\n" + "Steady progress on the pilot.\n" * 40
HTML = "<!DOCTYPE html><html lang=\"en\"><body><main>" + "<p>Steady progress on the pilot.</p>" * 40 + \
       "</main></body></html>"


class Counting:
    def __init__(self) -> None:
        self.messages = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: ANN001, ANN201, N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.messages += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _messages(count: int, settings: Settings) -> list:  # noqa: ANN401
    return [build_message(settings=settings, to=f"reader{n}@client.example", subject="HAR-7 status: March status "
                          "(Amber)", text=TEXT, html=HTML, message_id=f"<rapport.event-1.user-{n}@localhost>",
                          date=datetime(2026, 12, 7, tzinfo=UTC)) for n in range(count)]


async def _reused(server: SmtpServer, messages: list) -> float:  # noqa: ANN401
    transport = SmtpTransport(server, timeout=30)
    started = time.perf_counter()
    for message in messages:
        await transport.send(message)
    await transport.close()
    return time.perf_counter() - started


async def _one_each(server: SmtpServer, messages: list) -> float:  # noqa: ANN401
    started = time.perf_counter()
    for message in messages:
        transport = SmtpTransport(server, timeout=30)
        await transport.send(message)
        await transport.close()
    return time.perf_counter() - started


async def run(count: int) -> None:
    handler = Counting()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        server = SmtpServer.parse(f"smtp://127.0.0.1:{port}")
        messages = _messages(count, Settings())
        await _reused(server, messages[:20])  # warm up both sides
        handler.messages = handler.connections = 0
        reused = await _reused(server, messages)
        reused_connections, reused_messages = handler.connections, handler.messages
        handler.messages = handler.connections = 0
        one_each = await _one_each(server, messages)
        assert handler.messages == reused_messages == count, "the server did not receive every message"
    finally:
        controller.stop()
    print(f"{count} notices to aiosmtpd on 127.0.0.1, {len(messages[0].as_bytes()):,} bytes each")
    print(f"  one reused connection : {count / reused:8.1f} msg/s  ({reused:.2f} s, {reused_connections} connection)")
    print(f"  one connection each   : {count / one_each:8.1f} msg/s  ({one_each:.2f} s, {handler.connections} "
          "connections)")
    print(f"  reuse / one each      : {one_each / reused:8.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    asyncio.run(run(parser.parse_args().messages))


if __name__ == "__main__":
    main()
