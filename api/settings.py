"""Runtime configuration for the API and everything that shares its database."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

EMBEDDED_JWT_SECRET = "rapport-embedded-mode-secret-not-for-production-use"


class SettingsError(RuntimeError):
    """The configuration cannot run in the requested mode; the message is one line."""


class Settings(BaseSettings):
    """Every RAPPORT_* setting, with its embedded default."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_", extra="ignore")

    mode: Literal["embedded", "production"] = "embedded"
    data_dir: Path = Path(".rapport")
    database_url: str | None = None
    publish_target: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000

    jwt_secret: SecretStr = SecretStr(EMBEDDED_JWT_SECRET)
    jwt_issuer: str = "rapport"
    jwt_audience: str = "rapport-api"
    jwt_leeway_seconds: int = 30
    access_token_ttl_seconds: int = 8 * 3600

    graphiql: bool | None = None

    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'rapport.db').resolve()}"

    @property
    def resolved_publish_target(self) -> str:
        if self.publish_target:
            return self.publish_target
        return (self.data_dir / "sites").resolve().as_uri()

    @property
    def graphiql_enabled(self) -> bool:
        return (not self.production) if self.graphiql is None else self.graphiql

    def check_mode(self) -> None:
        """Refuse a production configuration that still leans on embedded defaults."""
        if not self.production:
            return
        if self.jwt_secret.get_secret_value() == EMBEDDED_JWT_SECRET:
            raise SettingsError("production mode needs RAPPORT_JWT_SECRET (the embedded secret is refused)")
        if len(self.jwt_secret.get_secret_value()) < 32:
            raise SettingsError("production mode needs a RAPPORT_JWT_SECRET of at least 32 characters")
        if not self.database_url:
            raise SettingsError("production mode needs RAPPORT_DATABASE_URL")
        if not self.publish_target:
            raise SettingsError("production mode needs RAPPORT_PUBLISH_TARGET")


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment and checked for its mode."""
    settings = Settings()
    settings.check_mode()
    return settings
