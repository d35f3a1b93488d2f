"""`paged`: the Relay page arguments written once, checked once."""

from __future__ import annotations

import pytest
import strawberry
from strawberry.types import Info

from api.kit.connections import paged
from api.kit.pagination import PageRequest, encode_cursor


@strawberry.type
class Query:
    @strawberry.field
    @paged
    async def items(self, info: Info, page: PageRequest, tag: str | None = None) -> str:
        return f"{page.first}|{page.after}|{page.last}|{page.before}|{tag}"


SCHEMA = strawberry.Schema(query=Query)


def test_the_page_parameter_becomes_the_four_relay_arguments_in_its_place() -> None:
    field = SCHEMA.get_type_by_name("Query").fields[0]
    assert [argument.python_name for argument in field.arguments] == ["first", "after", "last", "before", "tag"]


async def test_the_resolver_receives_the_page_request_and_its_own_arguments() -> None:
    cursor = encode_cursor([5])
    result = await SCHEMA.execute(f'{{ a: items(first: 3, after: "{cursor}", tag: "t") b: items(last: 2) }}')
    assert result.errors is None
    assert result.data == {"a": f"3|{cursor}|None|None|t", "b": "None|None|2|None|None"}


@pytest.mark.parametrize("arguments", ["", "(first: 0)", "(first: 1, last: 1)", "(first: 101)",
                                       '(first: 1, after: "nonsense")'])
async def test_a_bad_page_request_is_refused_before_the_resolver_runs(arguments: str) -> None:
    result = await SCHEMA.execute(f"{{ items{arguments} }}")
    assert result.data is None
    assert result.errors and any(name in result.errors[0].message for name in ("`first`", "`last`", "`after`"))


def test_a_resolver_without_a_page_parameter_is_a_mistake_caught_at_import() -> None:
    async def unpaged(self: object, info: Info) -> str:
        return ""

    with pytest.raises(TypeError, match="no `page` parameter"):
        paged(unpaged)
