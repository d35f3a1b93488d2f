"""The root schema, gathered from every domain's queries."""

from __future__ import annotations

from collections import OrderedDict

import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from api.activity.queries import ActivityQueries
from api.activity.subscriptions import ActivitySubscriptions
from api.auth.extensions import ScopeGuard
from api.auth.mutations import AuthMutations
from api.auth.queries import AuthQueries
from api.clients.mutations import ClientMutations
from api.clients.queries import ClientQueries
from api.comments.mutations import CommentMutations
from api.cx.mutations import CxMutations
from api.cx.queries import CxQueries
from api.delivery.mutations import DeliveryMutations
from api.delivery.queries import DeliveryQueries
from api.earned_value.queries import EarnedValueQueries
from api.extensions import ErrorPolicy, UnitOfWork
from api.kit.nodes import resolve_node, resolve_nodes
from api.limits import extensions as limits
from api.projects.mutations import ProjectMutations
from api.projects.queries import ProjectQueries
from api.reports.mutations import ReportMutations
from api.reports.queries import ReportQueries
from api.settings import Settings
from api.sites.mutations import SiteMutations
from api.sites.queries import SiteQueries
from api.sites.subscriptions import SiteSubscriptions
from api.update_requests.mutations import UpdateRequestMutations
from api.update_requests.queries import UpdateRequestQueries
from api.webhooks.mutations import WebhookMutations
from api.webhooks.queries import WebhookQueries


@strawberry.type
class Query(AuthQueries, ClientQueries, ProjectQueries, SiteQueries, ReportQueries, CxQueries, DeliveryQueries,
            WebhookQueries, EarnedValueQueries, ActivityQueries, UpdateRequestQueries):
    @strawberry.field(description="Any object by its global id, or null when it does not exist or is not visible.")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="Objects by global id, in order, null where missing or not visible.")
    async def nodes(self, info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
        return await resolve_nodes(info, ids)


@strawberry.type
class Mutation(ClientMutations, SiteMutations, ReportMutations, AuthMutations, ProjectMutations, CxMutations,
               DeliveryMutations, WebhookMutations, CommentMutations, UpdateRequestMutations):
    """Every mutation, gathered from the domains."""


@strawberry.type
class Subscription(ActivitySubscriptions, SiteSubscriptions):
    """Every subscription, gathered from the domains."""


def create_schema(settings: Settings) -> strawberry.Schema:
    """A new schema with its limits and policies configured for `settings`."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(relay_max_results=100, **limits.config_options(settings)),
        extensions=[ErrorPolicy, UnitOfWork, ScopeGuard, *limits.schema_extensions(settings)],
    )


SCHEMAS_KEPT = 8
_schemas: OrderedDict[int, tuple[Settings, strawberry.Schema]] = OrderedDict()


def get_schema(settings: Settings) -> strawberry.Schema:
    """The schema for `settings`, built once per Settings object (the deployable's own, from get_settings(), or one
    a command or a test made), so every caller in a process runs under the limits it was configured with."""
    cached = _schemas.get(id(settings))
    if cached is None or cached[0] is not settings:  # the settings object holds its id while it is kept here
        cached = _schemas[id(settings)] = (settings, create_schema(settings))
        while len(_schemas) > SCHEMAS_KEPT:
            _schemas.popitem(last=False)
    _schemas.move_to_end(id(settings))
    return cached[1]
