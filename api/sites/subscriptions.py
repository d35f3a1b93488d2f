"""Subscriptions on site builds."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.auth.permissions import sees_internal
from api.kit.ids import optional_node_id
from api.sites import service as site_service
from api.sites.types import SiteBuild


@strawberry.type
class SiteSubscriptions:
    @strawberry.subscription(description="A site build now and at each step of its progress, until it finishes.")
    async def site_build_updates(self, info: Info, build_id: relay.GlobalID) -> AsyncGenerator[SiteBuild, None]:
        context = info.context
        internal = sees_internal(context.principal)
        build_pk = optional_node_id(build_id, "SiteBuild", field="buildId")
        async for build in site_service.watch_build(context.session, principal=context.principal, build_id=build_pk):
            yield SiteBuild.from_model(build, internal=internal)
