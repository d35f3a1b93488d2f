"""The CLI: bad input gives one line and a non-zero exit; good input does the work."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.kit.database import create_engine, create_session_factory
from rapport.cli import app
from tests.fixtures.factories import make_client, make_project

runner = CliRunner()


def _one_line_error(arguments: list[str]) -> str:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.usefixtures("cli_env")
def test_unknown_client_slug() -> None:
    line = _one_line_error(["sites", "build", "--client", "no-such-client"])
    assert "no-such-client" in line


@pytest.mark.usefixtures("cli_env")
def test_bad_email() -> None:
    line = _one_line_error(["user", "add", "--email", "not-an-address", "--name", "A", "--org", "x", "--role", "PMO_STAFF"])
    assert "not a valid email address" in line


@pytest.mark.usefixtures("cli_env")
def test_unknown_role_lists_the_roles() -> None:
    line = _one_line_error(["user", "add", "--email", "a@b.example", "--name", "A", "--org", "x", "--role", "BOSS"])
    assert "unknown role 'BOSS'" in line and "CLIENT_CONTACT" in line


@pytest.mark.usefixtures("cli_env")
def test_unknown_organization() -> None:
    line = _one_line_error(["user", "add", "--email", "a@b.example", "--name", "A", "--org", "nowhere", "--role", "PMO_STAFF"])
    assert "no organization with slug 'nowhere'" in line


@pytest.mark.usefixtures("cli_env")
def test_token_for_an_unknown_user() -> None:
    assert "no user with email" in _one_line_error(["token", "issue", "--email", "ghost@nowhere.example"])


def test_production_mode_without_secrets_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings

    monkeypatch.setenv("RAPPORT_MODE", "production")
    monkeypatch.delenv("RAPPORT_JWT_SECRET", raising=False)
    get_settings.cache_clear()
    try:
        assert "production mode needs RAPPORT_JWT_SECRET" in _one_line_error(["serve"])
    finally:
        get_settings.cache_clear()



async def _one_client(database_url: str) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        client = await make_client(session, slug="harbor", name="Harbor Authority")
        await make_project(session, client=client, name="Berth Scheduling")
        await session.commit()
    await engine.dispose()


def test_sites_build_prints_a_summary_and_sites_status_lists_the_result(cli_env: dict[str, str]) -> None:
    asyncio.run(_one_client(cli_env["RAPPORT_DATABASE_URL"]))

    built = runner.invoke(app, ["sites", "build", "--all"])
    assert built.exit_code == 0, built.output
    assert "harbor" in built.stdout and "PUBLISHED" in built.stdout and "1 published" in built.stdout
    again = runner.invoke(app, ["sites", "build", "--client", "harbor"])
    assert again.exit_code == 0 and "UNCHANGED" in again.stdout

    status = runner.invoke(app, ["sites", "status"])
    assert status.exit_code == 0 and "harbor" in status.stdout and "UNCHANGED" in status.stdout


def test_rotating_a_key_moves_the_site_and_removes_the_old_copy(cli_env: dict[str, str], tmp_path: Path) -> None:
    asyncio.run(_one_client(cli_env["RAPPORT_DATABASE_URL"]))
    assert runner.invoke(app, ["sites", "build", "--all"]).exit_code == 0
    sites = tmp_path / "sites"
    (before,) = [path.name for path in sites.iterdir() if path.name.startswith("harbor-")]

    rotated = runner.invoke(app, ["sites", "rotate-key", "--client", "harbor"])
    assert rotated.exit_code == 0, rotated.output
    (after,) = [path.name for path in sites.iterdir() if path.name.startswith("harbor-")]
    assert after != before and f"/{after}/index.html" in rotated.stdout
    assert "Berth Scheduling" in (sites / after / "index.html").read_text(encoding="utf-8")
    assert _one_line_error(["sites", "rotate-key", "--client", "nobody"]).startswith("error: no client")
