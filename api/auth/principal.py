"""Principal: who is asking, with the roles their memberships give them."""

from __future__ import annotations

from dataclasses import dataclass

from api.auth.models import Role
from api.organizations.models import OrganizationKind

PMO_ROLES = frozenset({Role.PMO_ADMIN, Role.PMO_STAFF})
CLIENT_ROLES = frozenset({Role.CLIENT_EXECUTIVE, Role.CLIENT_CONTACT})
ROLES_BY_KIND = {
    OrganizationKind.PMO: PMO_ROLES,
    OrganizationKind.CLIENT: CLIENT_ROLES,
    OrganizationKind.SUBCONTRACTOR: frozenset({Role.SUBCONTRACTOR}),
}


@dataclass(frozen=True)
class Grant:
    """One role in one organization."""

    organization_id: int
    role: Role


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a user, an integrator's API token, or a client-scoped reader such as the site generator.

    `scopes` is None when nothing narrows the grants (a signed-in user); an API token carries its scopes.
    """

    grants: tuple[Grant, ...]
    user_id: int | None = None
    api_token_id: int | None = None
    scopes: frozenset[str] | None = None

    @classmethod
    def client_reader(cls, client_id: int) -> Principal:
        """A principal that sees exactly what a contact of `client_id` sees."""
        return cls(grants=(Grant(organization_id=client_id, role=Role.CLIENT_CONTACT),))

    @property
    def is_pmo_staff(self) -> bool:
        return any(grant.role in PMO_ROLES for grant in self.grants)

    @property
    def is_pmo_admin(self) -> bool:
        return any(grant.role is Role.PMO_ADMIN for grant in self.grants)

    @property
    def client_ids(self) -> frozenset[int]:
        """Clients this principal belongs to as a client contact or executive."""
        return frozenset(g.organization_id for g in self.grants if g.role in CLIENT_ROLES)

    @property
    def executive_client_ids(self) -> frozenset[int]:
        """Clients this principal belongs to as a client executive."""
        return frozenset(g.organization_id for g in self.grants if g.role is Role.CLIENT_EXECUTIVE)

    @property
    def subcontractor_ids(self) -> frozenset[int]:
        """Subcontractor organizations this principal works for."""
        return frozenset(g.organization_id for g in self.grants if g.role is Role.SUBCONTRACTOR)
