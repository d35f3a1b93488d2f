"""Domain events of client sites."""

from __future__ import annotations

from dataclasses import dataclass

from api.changes.events import DomainEvent


@dataclass(frozen=True)
class SiteSettingsChanged(DomainEvent):
    """A client's site settings changed; `fields` names them."""

    site_id: int
    fields: list[str]


@dataclass(frozen=True)
class SiteKeyRotated(DomainEvent):
    """A client's site moved to a new secret address; its old survey links were closed."""

    site_id: int


@dataclass(frozen=True)
class SitePublished(DomainEvent):
    """A client's microsite went live with new content (a build that changed nothing records none)."""

    site_id: int
    build_id: int
