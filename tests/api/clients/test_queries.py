"""Clients and projects through the schema: each principal sees its own tenancy and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.organizations.models import OrganizationKind
from tests.fixtures.factories import (
    assign,
    make_client,
    make_organization,
    make_project,
)
from tests.fixtures.graphql import data_of, execute, global_id, principal

CLIENTS = """
query { clients(first: 50) { totalCount edges { node { slug name projects(first: 50) { totalCount edges { node { code } } } } } } }
"""
PROJECTS = "query { projects(first: 50) { totalCount edges { node { code client { slug } } } } }"


@pytest.fixture
async def world(session: AsyncSession) -> dict:
    alpha = await make_client(session, slug="alpha", name="Alpha Agency")
    beta = await make_client(session, slug="beta", name="Beta Bureau")
    sub = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR, slug="subco")
    a1 = await make_project(session, client=alpha, code="A-1")
    await make_project(session, client=alpha, code="A-2")
    b1 = await make_project(session, client=beta, code="B-1")
    await assign(session, project=b1, organization=sub)
    return {"alpha": alpha, "beta": beta, "sub": sub, "a1": a1, "b1": b1}


async def test_pmo_staff_see_every_client_and_project(session: AsyncSession, world: dict) -> None:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    data = await data_of(session, principal(pmo.id, Role.PMO_STAFF), PROJECTS)
    codes = {edge["node"]["code"] for edge in data["projects"]["edges"]}
    assert {"A-1", "A-2", "B-1"} <= codes
    assert data["projects"]["totalCount"] == len(codes)


async def test_a_client_contact_sees_only_their_own_client(session: AsyncSession, world: dict) -> None:
    contact = principal(world["alpha"].id, Role.CLIENT_CONTACT)
    data = await data_of(session, contact, CLIENTS)
    assert [edge["node"]["slug"] for edge in data["clients"]["edges"]] == ["alpha"]
    projects = data["clients"]["edges"][0]["node"]["projects"]
    assert [edge["node"]["code"] for edge in projects["edges"]] == ["A-1", "A-2"]

    data = await data_of(session, contact, PROJECTS)
    assert {edge["node"]["client"]["slug"] for edge in data["projects"]["edges"]} == {"alpha"}
    assert data["projects"]["totalCount"] == 2


async def test_another_clients_objects_answer_like_missing_ones(session: AsyncSession, world: dict) -> None:
    contact = principal(world["beta"].id, Role.CLIENT_CONTACT)
    query = 'query($id: ID!) { project(id: $id) { code } node(id: $id) { id } client(slug: "alpha") { slug } }'
    hidden = await execute(session, contact, query, id=global_id("Project", world["a1"].id))
    missing = await execute(session, contact, query, id=global_id("Project", 999_999))
    assert hidden.errors is None and missing.errors is None
    assert hidden.data == missing.data == {"project": None, "node": None, "client": None}


async def test_a_subcontractor_sees_only_assigned_projects(session: AsyncSession, world: dict) -> None:
    data = await data_of(session, principal(world["sub"].id, Role.SUBCONTRACTOR), PROJECTS)
    assert [edge["node"]["code"] for edge in data["projects"]["edges"]] == ["B-1"]


async def test_keyset_pages_walk_the_whole_list_in_both_directions(session: AsyncSession, world: dict) -> None:
    pmo = principal((await make_organization(session, kind=OrganizationKind.PMO)).id, Role.PMO_ADMIN)
    query = "query($after: String) { projects(first: 1, after: $after) { edges { node { code } } pageInfo { hasNextPage endCursor } } }"
    seen, after = [], None
    while True:
        page = (await data_of(session, pmo, query, after=after))["projects"]
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen) and {"A-1", "A-2", "B-1"} <= set(seen)

    backwards = "query($before: String) { projects(last: 2, before: $before) { edges { node { code } } } }"
    tail = (await data_of(session, pmo, backwards, before=None))["projects"]["edges"]
    assert [edge["node"]["code"] for edge in tail] == seen[-2:]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [("", "pass `first` or `last`"), ("first: 101", "between 1 and 100"), ("first: 0", "between 1 and 100"),
     ('first: 5, after: "bm90LWEtY3Vyc29y"', "not a cursor")],
)
async def test_bad_page_requests_are_refused_with_a_clear_error(
    session: AsyncSession, world: dict, arguments: str, message: str
) -> None:
    pmo = principal(world["alpha"].id, Role.CLIENT_EXECUTIVE)
    query = "query { projects" + (f"({arguments})" if arguments else "") + " { totalCount } }"
    result = await execute(session, pmo, query)
    assert result.errors is not None
    assert message in result.errors[0].message
    assert result.errors[0].extensions["code"] == "INVALID"


