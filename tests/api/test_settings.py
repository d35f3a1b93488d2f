"""Settings: embedded defaults, and production mode refusing to run on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import EMBEDDED_JWT_SECRET, Settings, SettingsError, get_settings

STRONG_SECRET = "s" * 48
SMTP_URL = "smtp://rapport:mail-password@mail.example:587?starttls=true"


def test_embedded_mode_runs_on_defaults(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    settings.check_mode()
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'rapport.db'}"
    assert settings.resolved_publish_target == (tmp_path / "sites").resolve().as_uri()
    assert settings.graphiql_enabled


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({}, "RAPPORT_JWT_SECRET (the embedded secret is refused)"),
        ({"jwt_secret": "short"}, "at least 32 characters"),
        ({"jwt_secret": STRONG_SECRET}, "RAPPORT_DATABASE_URL"),
        ({"jwt_secret": STRONG_SECRET, "database_url": "postgresql+asyncpg://db/rapport"}, "RAPPORT_PUBLISH_TARGET"),
    ],
)
def test_production_mode_refuses_missing_or_embedded_settings(values: dict, reason: str) -> None:
    with pytest.raises(SettingsError, match="production mode needs") as refusal:
        Settings(mode="production", **values).check_mode()
    assert reason in str(refusal.value)
    assert "\n" not in str(refusal.value)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_production_mode_with_key_pairs_needs_its_own_survey_form_secret(algorithm: str) -> None:
    values = {"mode": "production", "jwt_algorithm": algorithm, "jwt_signing_key": "PEM", "database_url": "postgresql+asyncpg://db/r",
              "publish_target": "file:///srv/sites", "smtp_url": SMTP_URL}
    with pytest.raises(SettingsError, match="RAPPORT_SURVEY_CSRF_SECRET with") as refusal:
        Settings(**values).check_mode()
    assert "embedded secret" in str(refusal.value)
    with pytest.raises(SettingsError, match="RAPPORT_SURVEY_CSRF_SECRET of at least 32 characters"):
        Settings(**values, survey_csrf_secret="short").check_mode()
    settings = Settings(**values, survey_csrf_secret=STRONG_SECRET)
    settings.check_mode()
    assert settings.survey_form_key == STRONG_SECRET.encode()
    assert Settings().survey_form_key == EMBEDDED_JWT_SECRET.encode()


def test_production_mode_with_everything_set_runs_without_graphiql() -> None:
    settings = Settings(mode="production", jwt_secret=STRONG_SECRET, database_url="postgresql+asyncpg://db/r",
                        publish_target="file:///srv/sites", smtp_url=SMTP_URL)
    settings.check_mode()
    assert not settings.graphiql_enabled


def test_production_mode_needs_an_smtp_server_unless_mail_is_switched_off() -> None:
    values = {"mode": "production", "jwt_secret": STRONG_SECRET, "database_url": "postgresql+asyncpg://db/r",
              "publish_target": "file:///srv/sites"}
    with pytest.raises(SettingsError, match="production mode needs RAPPORT_SMTP_URL"):
        Settings(**values).check_mode()
    Settings(**values, mail_enabled=False).check_mode()


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "smtp://user:mail-password@mail.example:port",
                                 "smtps://user:mail-password@mail.example?starttls=true"])
def test_an_smtp_url_that_cannot_work_is_refused_without_showing_its_password(url: str) -> None:
    with pytest.raises(SettingsError, match="RAPPORT_SMTP_URL") as refusal:
        Settings(smtp_url=url).check_mode()
    assert "mail-password" not in str(refusal.value)
    assert "mail-password" not in repr(Settings(smtp_url=url))


def test_get_settings_reads_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setenv("RAPPORT_MODE", "production")
    monkeypatch.setenv("RAPPORT_JWT_SECRET", EMBEDDED_JWT_SECRET)
    try:
        with pytest.raises(SettingsError):
            get_settings()
        monkeypatch.setenv("RAPPORT_MODE", "embedded")
        assert get_settings() is get_settings()
    finally:
        get_settings.cache_clear()


def test_the_procrastinate_build_queue_needs_postgresql(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="RAPPORT_BUILD_QUEUE=procrastinate needs a PostgreSQL"):
        Settings(data_dir=tmp_path, build_queue="procrastinate").check_mode()
    Settings(build_queue="procrastinate", database_url="postgresql+asyncpg://db/rapport").check_mode()
