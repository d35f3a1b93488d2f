"""The session-level tenant backstop: every ORM SELECT in a principal's session is scoped again.

Services already scope their queries through api.auth.scoping; this catches a query that forgot to.
System bookkeeping that must see past the caller (queueing a client's site rebuild after a subcontractor's
update) says so explicitly with the execution option `tenant_backstop=False`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from api.auth.principal import Principal
from api.auth.scoping import TENANT_ENTITIES, visible

PRINCIPAL_KEY = "principal"
_NONE = object()


def _scope_select(state: ORMExecuteState) -> None:
    principal: Principal | None = state.session.info.get(PRINCIPAL_KEY)
    if principal is None or principal.is_pmo_staff or not state.is_select or state.is_column_load:
        return
    if state.execution_options.get("tenant_backstop") is False:
        return
    involved = {mapper.class_ for mapper in state.all_mappers}
    state.statement = state.statement.options(
        *(with_loader_criteria(entity, visible(entity, principal), include_aliases=True)
          for entity in TENANT_ENTITIES if entity in involved)
    )


def install_tenant_backstop() -> None:
    """Listen on every ORM session (once per process); only sessions carrying a principal are affected."""
    if not event.contains(Session, "do_orm_execute", _scope_select):
        event.listen(Session, "do_orm_execute", _scope_select)


@contextmanager
def acting_as(session: object, principal: Principal) -> Iterator[None]:
    """Inside the block, the session (sync or async) acts for `principal`, so the backstop scopes its reads;
    afterwards it acts for whoever it acted for before."""
    install_tenant_backstop()
    info = session.info  # type: ignore[attr-defined]
    previous = info.get(PRINCIPAL_KEY, _NONE)
    info[PRINCIPAL_KEY] = principal
    try:
        yield
    finally:
        if previous is _NONE:
            info.pop(PRINCIPAL_KEY, None)
        else:
            info[PRINCIPAL_KEY] = previous
