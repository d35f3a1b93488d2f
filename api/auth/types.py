"""GraphQL types for the viewer and their memberships."""

from __future__ import annotations

import strawberry

from api.auth import models
from api.organizations.models import OrganizationKind as OrganizationKindModel

Role = strawberry.enum(models.Role, name="Role")
OrganizationKind = strawberry.enum(OrganizationKindModel, name="OrganizationKind")


@strawberry.type(description="A person who signs in to Rapport.")
class User:
    name: str
    email: str
    title: str | None


@strawberry.type(description="A role the viewer holds in one organization.")
class Membership:
    organization_slug: str
    organization_name: str
    organization_kind: OrganizationKind
    role: Role


@strawberry.type(description="Who is asking, and with which roles.")
class Viewer:
    user: User | None
    memberships: list[Membership]
    is_pmo_staff: bool
