"""The GraphQL contexts: one per operation (session, principal, settings, loaders), and one per WebSocket."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from functools import cached_property
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from api.activity.live import LiveActivity
from api.activity.loaders import ActivityLoaders
from api.auth.loaders import ApiTokenLoaders
from api.auth.principal import Principal
from api.clients.loaders import ClientLoaders
from api.comments.loaders import CommentLoaders
from api.cx.loaders import CxLoaders
from api.delivery.loaders import DeliveryLoaders
from api.earned_value.loaders import EarnedValueLoaders
from api.kit.pagination import Page
from api.projects.loaders import ProjectLoaders
from api.reports.loaders import ReportLoaders
from api.settings import Settings
from api.sites.loaders import SiteLoaders
from api.update_requests.loaders import UpdateRequestLoaders
from api.webhooks.loaders import WebhookLoaders


class Context(BaseContext):
    """Everything a resolver may use; built once per HTTP request, WebSocket operation or site build."""

    def __init__(self, *, session: AsyncSession, principal: Principal, settings: Settings, request_id: str) -> None:
        super().__init__()
        self.session = session
        self.principal = principal
        self.settings = settings
        self.request_id = request_id
        session.info["request_id"] = request_id
        self._page_loaders: dict[Hashable, DataLoader[Any, Page[Any]]] = {}
        self.connection_params: dict[str, Any] = {}
        self.live: LiveActivity | None = None
        self.authorization = ""

    def forget_loaded(self, principal: Principal) -> None:
        """Start again with empty loaders, for `principal`: a live subscription's next result reads afresh."""
        self.principal = principal
        self._page_loaders.clear()
        for name in [name for name, value in type(self).__dict__.items() if isinstance(value, cached_property)]:
            self.__dict__.pop(name, None)

    @cached_property
    def activity(self) -> ActivityLoaders:
        return ActivityLoaders(session=self.session, principal=self.principal)

    @cached_property
    def api_tokens(self) -> ApiTokenLoaders:
        return ApiTokenLoaders(session=self.session, principal=self.principal)

    @cached_property
    def clients(self) -> ClientLoaders:
        return ClientLoaders(session=self.session, principal=self.principal)

    @cached_property
    def comments(self) -> CommentLoaders:
        return CommentLoaders(session=self.session, principal=self.principal)

    @cached_property
    def cx(self) -> CxLoaders:
        return CxLoaders(session=self.session, principal=self.principal, minimum_sample=self.settings.cx_minimum_sample)

    @cached_property
    def deliveries(self) -> DeliveryLoaders:
        return DeliveryLoaders(session=self.session, principal=self.principal)

    @cached_property
    def earned_value(self) -> EarnedValueLoaders:
        return EarnedValueLoaders(session=self.session, principal=self.principal)

    @cached_property
    def update_requests(self) -> UpdateRequestLoaders:
        return UpdateRequestLoaders(session=self.session, principal=self.principal)

    @cached_property
    def webhooks(self) -> WebhookLoaders:
        return WebhookLoaders(session=self.session, principal=self.principal)

    @cached_property
    def projects(self) -> ProjectLoaders:
        return ProjectLoaders(session=self.session, principal=self.principal)

    @cached_property
    def reports(self) -> ReportLoaders:
        return ReportLoaders(session=self.session, principal=self.principal)

    @cached_property
    def sites(self) -> SiteLoaders:
        return SiteLoaders(session=self.session, principal=self.principal)

    def page_loader(
        self, name: str, arguments: Hashable, batch: Callable[[Sequence[Any]], Awaitable[list[Page[Any]]]]
    ) -> DataLoader[Any, Page[Any]]:
        """The request's loader for one nested connection with one set of arguments, batched over parents."""
        key = (name, arguments)
        if key not in self._page_loaders:
            self._page_loaders[key] = DataLoader(load_fn=batch)
        return self._page_loaders[key]


class SocketContext(BaseContext):
    """A WebSocket's context: who it authenticated as. It holds no session: operations on one socket run at
    once, so each gets a Context and a unit of work of its own (see api.extensions.UnitOfWork)."""

    def __init__(self, *, session_factory: async_sessionmaker[AsyncSession], principal: Principal,
                 settings: Settings, request_id: str, live: LiveActivity | None) -> None:
        super().__init__()
        self.session_factory = session_factory
        self.principal = principal
        self.settings = settings
        self.request_id = request_id
        self.live = live
        self.authorization = ""  # the Authorization of connection_init, checked again by live subscriptions
        self.connection_params: dict[str, Any] = {}

    def operation_context(self, session: AsyncSession) -> Context:
        """The context of one operation on this socket, on its own `session`."""
        context = Context(session=session, principal=self.principal, settings=self.settings,
                          request_id=self.request_id)
        context.request = self.request
        context.connection_params = self.connection_params
        context.live = self.live
        context.authorization = self.authorization
        return context
