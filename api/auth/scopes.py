"""API token scopes: what kinds of operation a token may run, within what its role allows.

`read` runs queries and subscriptions; `write` also runs mutations (a token given `write` is given `read`
with it). Scopes only ever narrow a role: they grant nothing the role does not.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.auth.principal import Principal
from api.kit.errors import Forbidden, Validator

READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)
IMPLIED = {WRITE: frozenset({READ})}
SCOPE_BY_OPERATION = {"query": READ, "subscription": READ, "mutation": WRITE}


def granted_scopes(validator: Validator, values: Iterable[str]) -> list[str]:
    """The scopes named in `values` with the ones they imply, sorted; problems are recorded on `validator`."""
    named = {value.strip().lower() for value in values}
    validator.check(bool(named), "scopes", "give the token at least one scope")
    validator.check(named <= set(SCOPES), "scopes", f"scopes must be among: {', '.join(SCOPES)}")
    implied = set().union(*(IMPLIED.get(scope, frozenset()) for scope in named))
    return sorted(named | implied)


def require_scope_for(principal: Principal, operation: str) -> None:
    """Forbidden unless the principal's scopes (if any narrow it) allow an operation of this kind."""
    needed = SCOPE_BY_OPERATION[operation]
    if principal.scopes is not None and needed not in principal.scopes:
        raise Forbidden(f"this API token lacks the `{needed}` scope needed to run a {operation}")
