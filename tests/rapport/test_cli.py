"""The CLI: bad input gives one line and a non-zero exit; good input does the work."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rapport.cli import app

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
