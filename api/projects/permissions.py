"""Who may change which part of a milestone."""

from __future__ import annotations

from collections.abc import Collection

from api.auth.principal import Principal
from api.kit.errors import Conflict, Forbidden
from api.projects.models import Milestone, MilestoneStatus

PROGRESS_FIELDS = frozenset({"percentComplete", "forecastDate", "status"})
DECISIONS = frozenset({MilestoneStatus.ACCEPTED, MilestoneStatus.REJECTED})


def check_milestone_change(
    principal: Principal,
    *,
    milestone: Milestone,
    client_id: int,
    assigned: bool,
    given: Collection[str],
    status: MilestoneStatus | None,
) -> None:
    """PMO staff change anything; an assigned subcontractor reports progress; the client accepts or rejects."""
    if principal.is_pmo_staff:
        return
    if status in DECISIONS:
        _check_decision(principal, milestone=milestone, client_id=client_id, given=given)
        return
    if not assigned:
        raise Forbidden("only PMO staff and assigned subcontractors report progress; the client accepts or rejects "
                        "a submitted milestone", field=min(given, default=None))
    beyond_progress = sorted(set(given) - PROGRESS_FIELDS)
    if beyond_progress:
        raise Forbidden("a subcontractor reports progress only: percentComplete, forecastDate and a status up to "
                        "SUBMITTED", field=beyond_progress[0])
    if milestone.status is MilestoneStatus.ACCEPTED:
        raise Conflict("an accepted milestone takes no more progress updates", field="status")


def check_risk_report(principal: Principal, *, assigned: bool) -> None:
    """PMO staff, and a subcontractor assigned to the project, report where a risk stands (its status and
    mitigation); the rest of the register is PMO staff's."""
    if not (principal.is_pmo_staff or assigned):
        raise Forbidden("only PMO staff and assigned subcontractors report on a risk", field="status")


def _check_decision(principal: Principal, *, milestone: Milestone, client_id: int, given: Collection[str]) -> None:
    if client_id not in principal.client_ids:
        raise Forbidden("only the client accepts or rejects a milestone", field="status")
    beyond_decision = sorted(set(given) - {"status"})
    if beyond_decision:
        raise Forbidden("the client accepts or rejects a milestone and changes nothing else", field=beyond_decision[0])
    if milestone.status is not MilestoneStatus.SUBMITTED:
        raise Conflict("only a SUBMITTED milestone can be accepted or rejected", field="status")
