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


def sees_internal(principal: Principal) -> bool:
    """Internal fields (report notes, respondent identity, mystery shops) resolve only for PMO staff."""
    return principal.is_pmo_staff


def sees_financials(principal: Principal, *, client_id: int, financials_shared: bool) -> bool:
    """PMO staff always; the client's own people when the project shares its financials; subcontractors never."""
    if principal.is_pmo_staff:
        return True
    return financials_shared and client_id in principal.client_ids
