"""The demo's earned-value history: a progress history behind every milestone, monthly cost entries behind every
project's cost to date, one correction, and indices that tell the story the recorded cost health tells."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.earned_value.service import project_values
from api.models import ActualCost, Milestone, MilestoneProgress, Organization, OrganizationKind, Project
from api.projects.models import Health, ProjectStatus
from tests.api.demo.conftest import TODAY, all_of
from tests.fixtures.graphql import principal


async def test_every_milestone_has_a_history_that_ends_where_it_stands(demo: AsyncSession) -> None:
    history = defaultdict(list)
    for row in await all_of(demo, MilestoneProgress):
        history[row.milestone_id].append(row)
    for milestone in await all_of(demo, Milestone):
        rows = sorted(history[milestone.id], key=lambda row: (row.effective_on, row.id))
        assert rows and all(row.effective_on <= TODAY for row in rows)
        assert (rows[-1].percent_complete, rows[-1].status) == (milestone.percent_complete, milestone.status)
        assert [row.percent_complete for row in rows] == sorted(row.percent_complete for row in rows) or \
            rows[-1].status.value == "REJECTED"


async def test_monthly_entries_make_up_each_cost_to_date_and_one_is_corrected(demo: AsyncSession) -> None:
    entries = await all_of(demo, ActualCost)
    amended = {entry.amends_id for entry in entries if entry.amends_id}
    assert len(amended) == 1
    by_project = defaultdict(list)
    for entry in entries:
        if entry.id not in amended:
            by_project[entry.project_id].append(entry)
    for project in await all_of(demo, Project):
        standing = by_project[project.id]
        assert project.actual_cost == sum((entry.amount for entry in standing), Decimal(0))
        assert all(entry.period_end < TODAY and (entry.period_end + timedelta(days=1)).day == 1 for entry in standing)
        if project.status is not ProjectStatus.PLANNED:
            assert standing


async def test_the_indices_tell_the_story_of_each_projects_cost_health(demo: AsyncSession) -> None:
    pmo = await demo.scalar(select(Organization.id).where(Organization.kind == OrganizationKind.PMO))
    projects = await all_of(demo, Project)
    values = await project_values(demo, principal=principal(pmo, Role.PMO_STAFF),
                                  requests=[(project.id, TODAY) for project in projects])
    seen = set()
    for value in values:
        cpi, health = value.measures.cost_performance_index, value.project.health_cost
        if cpi is None or value.project.status is not ProjectStatus.ACTIVE:
            continue
        seen.add(health)
        assert (cpi >= Decimal("0.95")) == (health is Health.GREEN), value.project.code
    assert {Health.GREEN, Health.AMBER} <= seen
