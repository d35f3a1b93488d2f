"""Who may change what: checks that services call before they write."""

from __future__ import annotations

from api.auth.principal import Principal
from api.kit.errors import Forbidden


def require_pmo_staff(principal: Principal) -> None:
    """Only PMO staff (admins included) may go on."""
    if not principal.is_pmo_staff:
        raise Forbidden("only PMO staff may do this")


def require_pmo_admin(principal: Principal) -> None:
    """Only PMO admins may go on."""
    if not principal.is_pmo_admin:
        raise Forbidden("only a PMO admin may do this")
