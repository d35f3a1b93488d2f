"""GraphQL types for clients."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.cx.summary.types import client_cx_summary
from api.kit.connections import Connection, paged
from api.kit.nodes import LoadedNode
from api.kit.pagination import Page, PageRequest
from api.organizations import models
from api.projects import service as project_service
from api.projects.types import Health, Project, ProjectStatus
from api.sites.types import Site

if TYPE_CHECKING:
    from api.earned_value.types import Portfolio

ClientSector = strawberry.enum(models.ClientSector, name="ClientSector")


@strawberry.type(description="An organization the PMO delivers projects for.")
class Client(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    sector: ClientSector | None

    @strawberry.field(description="This client's projects the viewer may see, ordered by code.")
    @paged
    async def projects(
        self,
        info: Info,
        page: PageRequest,
        status: ProjectStatus | None = None,
        health: Health | None = None,
    ) -> Connection[Project]:
        context = info.context

        async def batch(client_ids: Sequence[int]) -> list[Page[Any]]:
            return await project_service.project_pages_by_client(
                context.session, principal=context.principal, client_ids=client_ids, page=page, status=status,
                health=health,
            )

        found = await context.page_loader("Client.projects", (page, status, health), batch).load(self.id)
        return Connection.from_page(found, Project.from_model)

    @strawberry.field(description="Earned value across this client's projects, for PMO staff and the client's own "
                                  "people (amounts only where the financials are shared); null for anyone else. "
                                  "Without asOf, today in the client's time zone.")
    async def portfolio(self, info: Info, as_of: date | None = None) -> Annotated[
            Portfolio, strawberry.lazy("api.earned_value.types")] | None:
        from api.earned_value.service import sees_earned_value
        from api.earned_value.types import portfolio_of

        if not sees_earned_value(info.context.principal, client_id=self.id):
            return None
        return await portfolio_of(info, client_id=self.id, as_of=as_of)

    @strawberry.field(description="The client's microsite, for PMO staff and the client's own people.")
    async def site(self, info: Info) -> Site | None:
        row = await info.context.sites.by_client_id.load(self.id)
        if row is None:
            return None
        return Site.from_model(row, client_slug=self.slug, base_url=info.context.settings.resolved_sites_base_url)

    cx_summary = strawberry.field(resolver=client_cx_summary, description="This client's CX metrics over a window.")

    @classmethod
    def from_model(cls, client: models.Organization) -> Client:
        """The GraphQL view of a client organization."""
        return cls(id=client.id, slug=client.slug, name=client.name, sector=client.sector)

    @classmethod
    def loader(cls, info: Info) -> DataLoader[int, Any]:
        return info.context.clients.by_id
