"""The demo data set's projects, teams, milestones and risk registers."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Assignment, Milestone, Organization, OrganizationKind, Project, Risk, Role
from api.projects.models import Health, MilestoneKind, MilestoneStatus, ProjectStatus, RiskSeverity
from tests.api.demo.conftest import HEALTH_COLUMNS, TODAY, all_of, roles_by_user


async def test_projects_mix_statuses_health_and_financials_consistently(demo: AsyncSession) -> None:
    projects = await all_of(demo, Project)
    roles = await roles_by_user(demo)
    statuses = Counter(p.status for p in projects)

    assert len(projects) >= 10
    assert min(Counter(p.client_id for p in projects).values()) >= 2
    assert statuses.most_common(1)[0][0] is ProjectStatus.ACTIVE and statuses[ProjectStatus.ACTIVE] >= len(projects) / 2
    assert {ProjectStatus.PLANNED, ProjectStatus.ON_HOLD, ProjectStatus.CLOSED} <= set(statuses)
    assert len({p.phase for p in projects}) >= 3
    assert {p.health_overall for p in projects} == set(Health)
    assert all(len({getattr(p, column) for p in projects}) >= 2 for column in HEALTH_COLUMNS)
    assert {p.financials_shared for p in projects} == {True, False}
    for project in projects:
        assert project.currency == "USD" and project.budget_at_completion > 0 and project.start_date < project.end_date
        assert roles[project.manager_id][0][0] is Role.PMO_STAFF
        spent = project.actual_cost / project.budget_at_completion * 100
        if project.status is ProjectStatus.CLOSED:
            assert project.percent_complete == 100 and project.end_date < TODAY
        elif project.status is ProjectStatus.PLANNED:
            assert project.percent_complete == 0 and project.actual_cost == 0 and project.start_date > TODAY
        else:
            elapsed = (TODAY - project.start_date).days / (project.end_date - project.start_date).days * 100
            assert 0 < project.percent_complete < 100 and project.start_date <= TODAY < project.end_date
            assert abs(project.percent_complete - elapsed) <= 25
        # Its cost follows its earned value (tests/api/demo/test_earned_value.py), within a fifth over budget.
        assert (spent == 0) == (project.status is ProjectStatus.PLANNED) and spent < 120


async def test_assignments_put_pmo_staff_and_subcontractors_on_projects(demo: AsyncSession) -> None:
    rows = await demo.execute(
        select(Assignment, Organization).join(Organization, Assignment.organization_id == Organization.id)
    )
    by_project = defaultdict(list)
    for assignment, organization in rows:
        by_project[assignment.project_id].append((assignment, organization))
    projects = await all_of(demo, Project)

    assert set(by_project) == {p.id for p in projects}
    for project in projects:
        staff = [a.user_id for a, org in by_project[project.id] if org.kind is OrganizationKind.PMO]
        assert project.manager_id in staff
    subcontracted = [a for rows in by_project.values() for a, org in rows if org.kind is OrganizationKind.SUBCONTRACTOR]
    assert 2 <= len({a.project_id for a in subcontracted}) < len(projects)


async def test_milestones_and_deliverables_follow_project_status_and_dates(demo: AsyncSession) -> None:
    projects = {p.id: p for p in await all_of(demo, Project)}
    milestones = await all_of(demo, Milestone)
    roles = await roles_by_user(demo)
    by_project = defaultdict(list)
    for milestone in milestones:
        by_project[milestone.project_id].append(milestone)

    assert set(by_project) == set(projects)
    assert len({m.status for m in milestones}) >= 4
    assert sum(1 for m in milestones if m.forecast_date > m.baseline_date) >= 3
    assert sum(1 for m in milestones if m.forecast_date == m.baseline_date) >= 3
    for project_id, items in by_project.items():
        project = projects[project_id]
        assert {m.kind for m in items} == set(MilestoneKind)
        assert sum(m.planned_value for m in items) == project.budget_at_completion
        if project.status is ProjectStatus.CLOSED:
            assert {m.status for m in items} == {MilestoneStatus.ACCEPTED}
        if project.status is ProjectStatus.PLANNED:
            assert {m.status for m in items} == {MilestoneStatus.NOT_STARTED}
    for m in milestones:
        assert projects[m.project_id].start_date <= m.baseline_date <= projects[m.project_id].end_date
        if m.status is MilestoneStatus.ACCEPTED:
            assert m.completed_date is not None and m.accepted_at is not None and m.percent_complete == 100
            assert m.completed_date <= m.accepted_at.date() < TODAY
            assert roles[m.accepted_by_id][0][1].id == projects[m.project_id].client_id
        else:
            assert m.accepted_at is None and m.accepted_by_id is None
        if m.status in (MilestoneStatus.NOT_STARTED, MilestoneStatus.IN_PROGRESS):
            assert m.completed_date is None and m.forecast_date > TODAY
            assert (m.percent_complete == 0) == (m.status is MilestoneStatus.NOT_STARTED)


async def test_risk_registers_mix_kinds_visibility_severity_and_status(demo: AsyncSession) -> None:
    projects = {p.id: p for p in await all_of(demo, Project)}
    risks = await all_of(demo, Risk)
    severity_rank = list(RiskSeverity).index

    assert len({r.kind for r in risks}) == 2 and len({r.visibility for r in risks}) == 2
    assert len({r.severity for r in risks}) >= 3 and len({r.status for r in risks}) == 3
    assert all(1 <= r.probability <= 5 and 1 <= r.impact <= 5 and r.raised_on <= TODAY for r in risks)
    by_score = sorted(risks, key=lambda r: r.probability * r.impact)
    assert all(severity_rank(a.severity) <= severity_rank(b.severity) for a, b in zip(by_score, by_score[1:]))
    assert all(any(r.visibility.value == "CLIENT" for r in risks if r.project_id == p) for p in projects)
    assert all(r.status.value == "CLOSED" for r in risks if projects[r.project_id].status is ProjectStatus.CLOSED)
