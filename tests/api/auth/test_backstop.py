"""The backstop scopes a query that skipped api.auth.scoping, in a principal's session only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.auth.backstop import acting_as
from api.auth.models import Role
from api.auth.principal import Grant, Principal
from api.projects.models import Project, Risk, RiskKind, RiskSeverity, RiskStatus, Visibility
from tests.fixtures.factories import make_client, make_project


async def _two_clients(session: AsyncSession) -> tuple[int, int]:
    alpha, beta = await make_client(session), await make_client(session)
    for client in (alpha, beta):
        project = await make_project(session, client=client)
        for visibility in Visibility:
            session.add(Risk(project_id=project.id, kind=RiskKind.RISK, title=f"{visibility.value} risk", probability=2,
                             impact=2, severity=RiskSeverity.MEDIUM, owner_name="PM", status=RiskStatus.OPEN,
                             visibility=visibility, raised_on=project.start_date))
    await session.flush()
    return alpha.id, beta.id


async def test_an_unscoped_query_returns_only_the_principals_rows(session: AsyncSession) -> None:
    alpha_id, beta_id = await _two_clients(session)
    with acting_as(session, Principal(grants=(Grant(organization_id=alpha_id, role=Role.CLIENT_CONTACT),))):
        projects = list(await session.scalars(select(Project)))
        assert {project.client_id for project in projects} == {alpha_id}
        risks = list(await session.scalars(select(Risk)))
        assert [risk.title for risk in risks] == ["CLIENT risk"]
        alias = aliased(Project)
        assert {row.client_id for row in await session.scalars(select(alias))} == {alpha_id}
    assert {project.client_id for project in await session.scalars(select(Project))} >= {alpha_id, beta_id}


async def test_acting_as_nests_and_restores_who_acted_before(session: AsyncSession) -> None:
    alpha_id, beta_id = await _two_clients(session)
    alpha = Principal(grants=(Grant(organization_id=alpha_id, role=Role.CLIENT_CONTACT),))
    beta = Principal(grants=(Grant(organization_id=beta_id, role=Role.CLIENT_CONTACT),))
    with acting_as(session, alpha):
        with acting_as(session, beta):
            assert {p.client_id for p in await session.scalars(select(Project))} == {beta_id}
        assert {p.client_id for p in await session.scalars(select(Project))} == {alpha_id}


async def test_sessions_without_a_principal_and_pmo_staff_are_not_narrowed(session: AsyncSession) -> None:
    alpha_id, beta_id = await _two_clients(session)
    everyone = {project.client_id for project in await session.scalars(select(Project))}
    assert {alpha_id, beta_id} <= everyone
    with acting_as(session, Principal(grants=(Grant(organization_id=alpha_id, role=Role.PMO_STAFF),))):
        assert {project.client_id for project in await session.scalars(select(Project))} == everyone
