"""GraphQL types for client microsites and their builds."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth.permissions import sees_internal
from api.kit.nodes import LoadedNode
from api.sites import models

if TYPE_CHECKING:
    from api.clients.types import Client

BuildTrigger = strawberry.enum(models.BuildTrigger, name="BuildTrigger")
BuildState = strawberry.enum(models.BuildState, name="BuildState")
SiteAccessMode = strawberry.enum(models.SiteAccessMode, name="SiteAccessMode")


@strawberry.type(description="A client's status microsite: where it lives and how it is rebuilt.")
class Site:
    enabled: bool
    access_mode: SiteAccessMode
    schedule: str = strawberry.field(description="Cron expression of scheduled rebuilds, in the site's time zone.")
    time_zone: str
    brand_name: str | None
    accent_color: str
    published_at: datetime | None
    url: str = strawberry.field(description="The site's secret address; share it only with the client.")

    @classmethod
    def from_model(cls, site: models.Site, *, client_slug: str, base_url: str) -> Site:
        """The GraphQL view of a client's site settings."""
        return cls(
            enabled=site.enabled,
            access_mode=site.access_mode,
            schedule=site.schedule,
            time_zone=site.time_zone,
            brand_name=site.brand_name,
            accent_color=site.accent_color,
            published_at=site.published_at,
            url=f"{base_url.rstrip('/')}/{client_slug}-{site.site_key}/index.html",
        )


@strawberry.type(description="One build and publish of a client's microsite.")
class SiteBuild(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    trigger: BuildTrigger
    state: BuildState
    reason: str
    attempts: int
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    files_uploaded: int
    files_deleted: int
    files_unchanged: int
    bytes_uploaded: int
    error: str | None = strawberry.field(description="Why the build failed (PMO staff only).")
    client_id: strawberry.Private[int]

    @strawberry.field(description="The client whose site this build publishes.")
    async def client(self, info: Info) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:
        from api.clients.types import Client

        row = await info.context.clients.by_id.load(self.client_id)
        return Client.from_model(row) if row else None

    @classmethod
    def from_model(cls, build: models.SiteBuild, *, internal: bool) -> SiteBuild:
        """The GraphQL view of a build; the error text only for those who see internal fields."""
        return cls(
            id=build.id,
            trigger=build.trigger,
            state=build.state,
            reason=build.reason,
            attempts=build.attempts,
            requested_at=build.requested_at,
            started_at=build.started_at,
            finished_at=build.finished_at,
            files_uploaded=build.files_uploaded,
            files_deleted=build.files_deleted,
            files_unchanged=build.files_unchanged,
            bytes_uploaded=build.bytes_uploaded,
            error=build.error if internal else None,
            client_id=build.client_id,
        )

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.sites.build_by_id

    @classmethod
    def node_of(cls, info: Info, row: Any) -> SiteBuild:
        return cls.from_model(row, internal=sees_internal(info.context.principal))
