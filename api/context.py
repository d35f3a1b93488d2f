"""The per-request GraphQL context: session, principal, settings, loaders."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext

from api.auth.principal import Principal
from api.clients.loaders import ClientLoaders
from api.projects.loaders import ProjectLoaders
from api.settings import Settings


class Context(BaseContext):
    """Everything a resolver may use; built once per request (or per site build)."""

    def __init__(self, *, session: AsyncSession, principal: Principal, settings: Settings, request_id: str) -> None:
        super().__init__()
        self.session = session
        self.principal = principal
        self.settings = settings
        self.request_id = request_id

    @cached_property
    def clients(self) -> ClientLoaders:
        return ClientLoaders(session=self.session, principal=self.principal)

    @cached_property
    def projects(self) -> ProjectLoaders:
        return ProjectLoaders(session=self.session, principal=self.principal)
