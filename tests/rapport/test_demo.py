"""`rapport demo` as a newcomer runs it: a real process, real HTTP, Ctrl-C, and a second run."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.fixtures.websocket import graphql_socket

STARTUP_SECONDS = 180


@dataclass
class DemoRun:
    process: subprocess.Popen[str]
    lines: list[str]
    base_url: str

    @property
    def token(self) -> str:
        return next(line.split("token: ", 1)[1].strip() for line in self.lines if line.startswith("token: "))

    @property
    def site_urls(self) -> dict[str, str]:
        found = (re.match(r"^\s+([a-z0-9-]+): (http\S+/index\.html)$", line) for line in self.lines)
        return {match.group(1): match.group(2) for match in found if match}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(data_dir: Path, port: int | None = None) -> DemoRun:
    port = port or _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("RAPPORT_")}
    env["RAPPORT_DATA_DIR"] = str(data_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "rapport", "demo", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )
    run = DemoRun(process=process, lines=[], base_url=f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + STARTUP_SECONDS
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            pytest.fail("rapport demo exited early:\n" + "".join(run.lines))
        run.lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            break
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{run.base_url}/healthz", timeout=2).status_code == 200:
                return run
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("rapport demo did not answer /healthz in time:\n" + "\n".join(run.lines))


def _stop(run: DemoRun) -> int:
    run.process.send_signal(signal.SIGINT)
    try:
        return run.process.wait(timeout=30)
    finally:
        if run.process.poll() is None:
            run.process.kill()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoRun]:
    run = _start(tmp_path / "data")
    try:
        yield run
    finally:
        if run.process.poll() is None:
            _stop(run)


def _graphql(run: DemoRun, query: str) -> dict:
    response = httpx.post(f"{run.base_url}/graphql", json={"query": query},
                          headers={"Authorization": f"Bearer {run.token}"}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_demo_serves_the_api_and_every_clients_microsite(demo: DemoRun) -> None:
    viewer = _graphql(demo, "{ viewer { user { email } isPmoStaff } }")["viewer"]
    assert viewer["isPmoStaff"] is True and viewer["user"]["email"]

    data = _graphql(demo, "{ clients(first: 20) { edges { node { slug name projects(first: 100) { edges { node { name } } } } } } }")
    clients = {edge["node"]["slug"]: edge["node"] for edge in data["clients"]["edges"]}
    assert len(clients) >= 4 and set(demo.site_urls) == set(clients)

    for slug, client in clients.items():
        page = httpx.get(demo.site_urls[slug], timeout=10)
        assert page.status_code == 200
        summary = httpx.get(demo.site_urls[slug].replace("index.html", "executive-summary.html"), timeout=10)
        assert summary.status_code == 200 and "Schedule (SPI)" in summary.text
        assert re.search(r"\d\.\d{3} <span class=\"evm-words\">(behind|ahead of|on) plan</span>", summary.text)
        assert page.headers["referrer-policy"] == "no-referrer"
        own = {edge["node"]["name"] for edge in client["projects"]["edges"]}
        assert own and all(_escaped(name) in page.text for name in own)
        for other_slug, other in clients.items():
            if other_slug != slug:
                assert _escaped(other["name"]) not in page.text
                assert not any(_escaped(edge["node"]["name"]) in page.text for edge in other["projects"]["edges"])


def test_demo_publishes_a_report_whose_notices_are_in_the_mail_folder_and_whose_webhooks_arrive_signed(
        demo: DemoRun, tmp_path: Path) -> None:
    [line] = [line for line in demo.lines if line.startswith("Mail: ")]
    match = re.fullmatch(r"Mail: (\d+) notices written this run to (\S+) .*", line)
    assert match and int(match.group(1)) > 0
    folder = Path(match.group(2))
    assert folder == (tmp_path / "data" / "mail").resolve()
    messages = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(folder.glob("*.eml"))]
    assert len(messages) == int(match.group(1))
    [asked] = [message for message in messages if message["Subject"].startswith("update ")]
    messages.remove(asked)
    texts = [message.get_body(("plain",)).get_content() for message in messages]
    assert all(" status: " in message["Subject"] for message in messages)
    assert any("/s/" in text for text in texts)  # people surveyed lately are not asked again (the frequency cap)
    for text in texts:
        page = httpx.get(re.search(r"(http\S+/reports/\S+\.html)", text).group(1), timeout=10)
        assert page.status_code == 200

    [line] = [line for line in demo.lines if line.startswith("Webhooks: ")]
    match = re.fullmatch(r"Webhooks: (\d+) signed events received .* at (http://127\.0\.0\.1:\d+/\S+), .*"
                         r"\(logged in (\S+)\)", line)
    assert match and int(match.group(1)) > 0
    logged = [json.loads(entry) for entry in Path(match.group(3)).read_text(encoding="utf-8").splitlines()]
    assert len(logged) == int(match.group(1)) and {entry["signature"] for entry in logged} == {"verified"}
    assert {"status_report.published", "site.published"} <= {entry["type"] for entry in logged}
    assert len({entry["webhook_id"] for entry in logged}) == len(logged)


def test_demo_stops_cleanly_and_a_second_run_reuses_the_data(tmp_path: Path) -> None:
    first = _start(tmp_path / "data")
    port = int(urlparse(first.base_url).port)
    first_token_works = httpx.post(f"{first.base_url}/graphql", json={"query": "{ viewer { isPmoStaff } }"},
                                   headers={"Authorization": f"Bearer {first.token}"}, timeout=30).status_code == 200
    assert _stop(first) == 0 and first_token_works

    second = _start(tmp_path / "data", port)  # the links the demo writes lead to its own port
    try:
        assert any("reusing the existing demo data" in line for line in second.lines)
        assert _paths(second.site_urls) == _paths(first.site_urls)
        assert any("UNCHANGED" in line for line in second.lines)
    finally:
        assert _stop(second) == 0


def _paths(urls: dict[str, str]) -> dict[str, str]:
    return {slug: urlparse(url).path for slug, url in urls.items()}


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")


def test_a_subcontractor_answers_the_demos_update_request_and_staff_watching_see_it_live(demo: DemoRun) -> None:
    [line] = [line for line in demo.lines if line.startswith("Update request mailed to ")]
    link = line.rsplit(": ", 1)[1]
    assert link.startswith(f"{demo.base_url}/updates/")
    data = _graphql(demo, "{ updateRequests(first: 1) { edges { node { state project { id }"
                          " milestones { id percentComplete } } } } }")
    [request] = [edge["node"] for edge in data["updateRequests"]["edges"]]
    assert request["state"] == "OPEN"
    milestone = request["milestones"][0]
    asyncio.run(_answer_while_watching(demo, link, request["project"]["id"], milestone["id"],
                                       (milestone["percentComplete"] + 7) % 101))


async def _answer_while_watching(demo: DemoRun, link: str, project_id: str, milestone_id: str, percent: int) -> None:
    watch = "subscription($id: ID!) { projectActivity(projectId: $id) { kind summary actor { name } } }"
    async with graphql_socket(demo.base_url, demo.token) as socket:
        await socket.subscribe("1", watch, id=project_id)
        await asyncio.sleep(1)  # the subscription is in place before the answer
        async with httpx.AsyncClient(timeout=30) as http:
            form = (await http.get(link)).text
            token = re.search(r'name="form_token" value="([0-9a-f]{64})"', form).group(1)
            pk = base64.b64decode(milestone_id).decode().split(":")[1]
            answered = await http.post(link, data={"form_token": token, f"m{pk}-percent": str(percent)})
        assert answered.status_code == 303, answered.text
        seen = []
        while not any(item["kind"] == "MilestoneProgressReported" for item in seen):
            message = await asyncio.wait_for(socket.receive(), 30)
            assert message["type"] == "next", message
            seen.append(message["payload"]["data"]["projectActivity"])
    progress = next(item for item in seen if item["kind"] == "MilestoneProgressReported")
    assert f"is {percent}% complete" in progress["summary"] and progress["actor"] is not None
