"""Mutations on client microsites."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.mutations import UserError, attempt, id_of
from api.sites import service as site_service
from api.sites.types import Site, SiteBuild


@strawberry.input(description="Ask for a client's microsite to be rebuilt and published.")
class RequestSiteBuildInput:
    client_id: relay.GlobalID
    reason: str | None = None


@strawberry.type
class RequestSiteBuildPayload:
    site_build: SiteBuild | None
    user_errors: list[UserError]


@strawberry.input(description="Changes to a client's site settings; omitted fields stay as they are.")
class UpdateSiteInput:
    client_id: relay.GlobalID
    enabled: bool | None = None
    schedule: str | None = strawberry.field(default=None, description="Cron expression, e.g. '0 6 * * 1-5'.")
    time_zone: str | None = strawberry.field(default=None, description="IANA time zone, e.g. 'America/New_York'.")
    brand_name: str | None = None
    accent_color: str | None = strawberry.field(default=None, description="#rrggbb with 4.5:1 contrast on white.")
    logo_url: str | None = None


@strawberry.type
class UpdateSitePayload:
    site: Site | None
    user_errors: list[UserError]


@strawberry.input(description="Move a client's site to a new secret address.")
class RotateSiteKeyInput:
    client_id: relay.GlobalID


@strawberry.type
class SiteMutations:
    @strawberry.mutation(description="Queue a rebuild of a client's microsite (PMO staff); joins one already queued.")
    async def request_site_build(self, info: Info, input: RequestSiteBuildInput) -> RequestSiteBuildPayload:
        context = info.context
        build, errors = await attempt(context.session, site_service.request_build, principal=context.principal,
                                      client_id=id_of(input.client_id, "Client", field="clientId"),
                                      reason=input.reason or "")
        return RequestSiteBuildPayload(
            site_build=SiteBuild.from_model(build, internal=True) if build else None, user_errors=errors)

    @strawberry.mutation(description="Change a client's site settings: schedule, time zone, branding (PMO staff).")
    async def update_site(self, info: Info, input: UpdateSiteInput) -> UpdateSitePayload:
        context = info.context
        changes = site_service.SiteChanges(
            enabled=input.enabled, schedule=input.schedule, time_zone=input.time_zone, brand_name=input.brand_name,
            accent_color=input.accent_color, logo_url=input.logo_url)

        row, errors = await attempt(context.session, site_service.update_site, principal=context.principal,
                                    client_id=id_of(input.client_id, "Client", field="clientId"), changes=changes)
        if row is None:
            return UpdateSitePayload(site=None, user_errors=errors)
        client = await site_service.client_site(context.session, client_id=row.client_id)
        site = Site.from_model(row, client_slug=client.client.slug, base_url=context.settings.resolved_sites_base_url)
        return UpdateSitePayload(site=site, user_errors=errors)

    @strawberry.mutation(description="Give a client's site a new secret address and queue its rebuild (PMO staff); "
                                     "the old address stops working once the new site is published.")
    async def rotate_site_key(self, info: Info, input: RotateSiteKeyInput) -> RequestSiteBuildPayload:
        context = info.context
        build, errors = await attempt(context.session, site_service.rotate_site_key, principal=context.principal,
                                      client_id=id_of(input.client_id, "Client", field="clientId"))
        return RequestSiteBuildPayload(
            site_build=SiteBuild.from_model(build, internal=True) if build else None, user_errors=errors)
