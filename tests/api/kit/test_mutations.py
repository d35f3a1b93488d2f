"""`attempt`: a service call in a savepoint, refusals (bad ids included) as userErrors."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.kit.errors import Conflict
from api.kit.mutations import UserErrorCode, attempt, id_of, later
from api.organizations.models import Organization
from tests.fixtures.factories import make_client


async def test_the_function_gets_the_session_and_its_arguments_computed() -> None:
    calls: list[dict[str, Any]] = []

    class Session:
        def begin_nested(self) -> Any:
            class Savepoint:
                async def __aenter__(self) -> None: ...
                async def __aexit__(self, *exc: object) -> None: ...
            return Savepoint()

    async def service(session: Any, **kwargs: Any) -> str:
        calls.append({"session": session, **kwargs})
        return "done"

    session = Session()
    result, errors = await attempt(session, service, plain=1, computed=later(sum, [1, 2]),
                                   client_id=id_of(relay.GlobalID("Client", "7"), "Client", field="clientId"))
    assert (result, errors) == ("done", [])
    assert calls == [{"session": session, "plain": 1, "computed": 3, "client_id": 7}]


async def test_an_id_of_another_type_is_a_user_error_and_the_function_never_runs() -> None:
    ran: list[bool] = []

    async def service(session: Any, **kwargs: Any) -> None:
        ran.append(True)

    result, errors = await attempt(None, service,  # type: ignore[arg-type]
                                   client_id=id_of(relay.GlobalID("Project", "7"), "Client", field="clientId"))
    assert result is None and not ran
    assert [(error.field, error.code) for error in errors] == [(["input", "clientId"], UserErrorCode.INVALID)]


async def test_a_refusal_rolls_back_what_the_function_wrote(session: AsyncSession) -> None:
    async def renames_then_refuses(session: AsyncSession, *, client_id: int) -> None:
        client = await session.get(Organization, client_id)
        client.name = "Renamed"
        session.add(Organization(kind=client.kind, slug="extra", name="Extra"))
        await session.flush()
        raise Conflict("refused after writing")

    client = await make_client(session, slug="harbor")
    before = await session.scalar(select(func.count()).select_from(Organization))
    result, errors = await attempt(session, renames_then_refuses, client_id=client.id)
    assert result is None and [error.code for error in errors] == [UserErrorCode.CONFLICT]
    await session.refresh(client)
    assert client.name != "Renamed"
    assert await session.scalar(select(func.count()).select_from(Organization)) == before
