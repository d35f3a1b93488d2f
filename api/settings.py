"""Runtime configuration for the API and everything that shares its database."""

from __future__ import annotations

import os
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    sites_base_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000

    jwt_secret: SecretStr = SecretStr(EMBEDDED_JWT_SECRET)
    jwt_issuer: str = "rapport"
    jwt_audience: str = "rapport-api"
    jwt_leeway_seconds: int = 30
    access_token_ttl_seconds: int = 8 * 3600
    jwt_algorithm: Literal["HS256", "RS256", "ES256"] = "HS256"
    jwt_signing_key: SecretStr | None = None
    # Signs the survey form's CSRF token; without it the HS256 JWT secret does, which RS256/ES256 leave embedded.
    survey_csrf_secret: SecretStr | None = None
    jwt_signing_kid: str = "rapport-1"
    jwt_verification_keys: dict[str, str] = {}
    api_token_max_ttl_seconds: int = Field(default=366 * 24 * 3600, ge=3600)
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_token_type: str = "at+jwt"

    graphiql: bool | None = None
    introspection: bool | None = None

    graphql_max_depth: int = Field(default=15, ge=1)
    graphql_max_aliases: int = Field(default=15, ge=0)
    graphql_max_tokens: int = Field(default=2000, ge=1)
    graphql_max_batch_operations: int = Field(default=10, ge=1)
    graphql_max_nodes: int = Field(default=50_000, ge=1)
    graphql_parser_cache_size: int = Field(default=128, ge=1)
    graphql_validation_cache_size: int = Field(default=128, ge=1)
    rate_limit_points_per_minute: int = Field(default=5000, ge=1)
    ws_max_subscriptions: int = Field(default=20, ge=1)
    ws_max_subscriptions_per_principal: int = Field(default=50, ge=1)
    # How often a live subscription checks, with nothing to deliver, that its token still holds.
    ws_recheck_seconds: float = Field(default=15, gt=0)
    events_url: str = "memory://"
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    trusted_proxies: str = ""

    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    publish_max_delete_share: float = Field(default=0.5, ge=0, le=1)
    build_processes: int | None = Field(default=None, ge=1, le=256)

    build_queue: Literal["embedded", "procrastinate"] = "embedded"
    worker_stalled_seconds: float = Field(default=30, ge=1)
    build_lease_seconds: float = Field(default=60, ge=1, le=3600)
    build_quiet_seconds: float = Field(default=30, ge=0, le=3600)

    # Mail: smtp://user:pass@host:port (?starttls=true for STARTTLS) or smtps:// for implicit TLS. Without it,
    # embedded mode writes each message as an .eml file under <data dir>/mail/; production refuses to start
    # unless mail is switched off (RAPPORT_MAIL_ENABLED=false).
    smtp_url: SecretStr | None = None
    mail_from: str = "Rapport <rapport@localhost>"
    mail_enabled: bool = True
    smtp_timeout_seconds: float = Field(default=30, gt=0, le=600)

    # Webhooks may call loopback and private addresses: true by default in embedded mode, false in production.
    webhook_allow_private_networks: bool | None = None

    # Suggested schedule and cost health from SPI and CPI: GREEN at or above the first, AMBER at or above the second.
    evm_green_at: float = Field(default=0.95, gt=0, le=10)
    evm_amber_at: float = Field(default=0.90, gt=0, le=10)

    cx_minimum_sample: int = Field(default=5, ge=1)
    survey_frequency_cap_days: int = Field(default=14, ge=0)
    survey_link_ttl_days: int = Field(default=14, ge=1, le=90)
    pain_point_tags: list[str] = [
        "reporting-delays",
        "unclear-scope",
        "slow-response",
        "invoice-accuracy",
        "staff-turnover",
        "meeting-overload",
        "documentation-quality",
        "communication-gaps",
    ]

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def webhooks_may_reach_private_networks(self) -> bool:
        if self.webhook_allow_private_networks is None:
            return not self.production
        return self.webhook_allow_private_networks

    @property
    def mail_dir(self) -> Path:
        """Where messages are written as .eml files when no SMTP server is configured."""
        return (self.data_dir / "mail").resolve()

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
    def build_lease(self) -> timedelta:
        """How long a running build stays its worker's without a renewal (renewed every third of it)."""
        return timedelta(seconds=self.build_lease_seconds)

    @property
    def build_quiet(self) -> timedelta:
        """How long a client's data must rest before the rebuild its changes queued runs (one build per burst)."""
        return timedelta(seconds=self.build_quiet_seconds)

    @property
    def resolved_build_processes(self) -> int:
        """How many site builds run at once, each in its own process: one per CPU unless set."""
        return self.build_processes or os.cpu_count() or 1

    @property
    def resolved_sites_base_url(self) -> str:
        """Where readers reach the published sites (the CDN in production, the API's preview otherwise)."""
        return self.sites_base_url or f"{self.public_url.rstrip('/')}/sites"

    @property
    def graphiql_enabled(self) -> bool:
        return (not self.production) if self.graphiql is None else self.graphiql

    @property
    def introspection_enabled(self) -> bool:
        return (not self.production) if self.introspection is None else self.introspection

    @property
    def on_postgresql(self) -> bool:
        return self.resolved_database_url.startswith(("postgresql:", "postgresql+"))

    @property
    def survey_form_key(self) -> bytes:
        """The key of the survey form's CSRF token: RAPPORT_SURVEY_CSRF_SECRET, else the JWT secret."""
        return (self.survey_csrf_secret or self.jwt_secret).get_secret_value().encode()

    def check_mode(self) -> None:
        """Refuse a configuration that cannot work, and a production one that still leans on embedded defaults."""
        if self.build_queue == "procrastinate" and not self.on_postgresql:
            raise SettingsError("RAPPORT_BUILD_QUEUE=procrastinate needs a PostgreSQL RAPPORT_DATABASE_URL")
        if self.events_url.partition("://")[0].split("+")[0] not in ("memory", "redis", "rediss", "postgresql",
                                                                      "postgres"):
            raise SettingsError("RAPPORT_EVENTS_URL must be memory://, redis://host:port/db or postgresql://...")
        if self.smtp_url is not None:
            from api.delivery.mail import SmtpServer  # the URL's one reader; it imports these settings

            SmtpServer.parse(self.smtp_url.get_secret_value())
        if not self.production:
            return
        if self.jwt_algorithm == "HS256":
            if self.jwt_secret.get_secret_value() == EMBEDDED_JWT_SECRET:
                raise SettingsError("production mode needs RAPPORT_JWT_SECRET (the embedded secret is refused)")
            if len(self.jwt_secret.get_secret_value()) < 32:
                raise SettingsError("production mode needs a RAPPORT_JWT_SECRET of at least 32 characters")
        elif self.jwt_signing_key is None:
            raise SettingsError(f"production mode needs RAPPORT_JWT_SIGNING_KEY (a PEM private key for {self.jwt_algorithm})")
        elif self.survey_csrf_secret is None:
            raise SettingsError(f"production mode needs RAPPORT_SURVEY_CSRF_SECRET with {self.jwt_algorithm} "
                                "(the survey form would otherwise be signed with the embedded secret)")
        if self.survey_csrf_secret is not None and len(self.survey_csrf_secret.get_secret_value()) < 32:
            raise SettingsError("production mode needs a RAPPORT_SURVEY_CSRF_SECRET of at least 32 characters")
        if self.oidc_jwks_url:
            if not (self.oidc_issuer and self.oidc_audience):
                raise SettingsError("production mode needs RAPPORT_OIDC_ISSUER and RAPPORT_OIDC_AUDIENCE with RAPPORT_OIDC_JWKS_URL")
            if self.oidc_issuer == self.jwt_issuer:
                raise SettingsError("production mode needs a RAPPORT_OIDC_ISSUER other than RAPPORT_JWT_ISSUER")
            if not self.oidc_jwks_url.startswith("https://"):
                raise SettingsError("production mode needs an https:// RAPPORT_OIDC_JWKS_URL")
        if not self.database_url:
            raise SettingsError("production mode needs RAPPORT_DATABASE_URL")
        if not self.publish_target:
            raise SettingsError("production mode needs RAPPORT_PUBLISH_TARGET")
        if self.mail_enabled and self.smtp_url is None:
            raise SettingsError("production mode needs RAPPORT_SMTP_URL (or RAPPORT_MAIL_ENABLED=false to send no mail)")


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment and checked for its mode."""
    settings = Settings()
    settings.check_mode()
    return settings
