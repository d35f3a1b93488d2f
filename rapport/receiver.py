"""The demo's webhook receiver: what an integrator runs, on loopback. It checks each request's signature with the
standardwebhooks package, answers 204 (or 401 for a bad signature) and logs every event as one JSON line."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    """A receiver listening on 127.0.0.1 in a thread of its own until the process ends."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.secrets: Sequence[str] = ()
        self.verified = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server convention
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                status = receiver.receive(body, dict(self.headers.items()))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet, the log file says it
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        threading.Thread(target=self._server.serve_forever, name="demo-webhook-receiver", daemon=True).start()

    def receive(self, body: bytes, headers: dict[str, str]) -> int:
        """Check one request against the endpoint's secrets; log it when one of them signed it."""
        for secret in self.secrets:
            try:
                event = Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            with self._lock:
                self.verified += 1
                with self.log.open("a", encoding="utf-8") as log:
                    log.write(json.dumps({"received_at": datetime.now(UTC).isoformat(),
                                          "webhook_id": headers.get("webhook-id", headers.get("Webhook-Id")),
                                          "type": event["type"], "signature": "verified"}) + "\n")
            return 204
        return 401
