"""Root query fields for the viewer."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.auth import service as auth_service
from api.auth.models import User as UserModel
from api.auth.types import Membership, User, Viewer


@strawberry.type
class AuthQueries:
    @strawberry.field(description="The authenticated caller.")
    async def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        if principal.user_id is None:
            return Viewer(user=None, memberships=[], is_pmo_staff=principal.is_pmo_staff)
        session = info.context.session
        user = await session.get(UserModel, principal.user_id)
        rows = await auth_service.viewer_memberships(session, user_id=principal.user_id)
        return Viewer(
            user=User(name=user.name, email=user.email, title=user.title),
            memberships=[
                Membership(
                    organization_slug=organization.slug,
                    organization_name=organization.name,
                    organization_kind=organization.kind,
                    role=membership.role,
                )
                for membership, organization in rows
            ],
            is_pmo_staff=principal.is_pmo_staff,
        )
