"""The demo data set's status reports."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Project, StatusReport
from api.projects.models import ProjectStatus
from api.reports.models import ReportCadence, ReportState
from tests.api.demo.conftest import HEALTH_COLUMNS, TODAY, WINDOW_START, all_of


async def test_status_reports_cover_twelve_months_at_each_projects_cadence(demo: AsyncSession) -> None:
    projects = {p.id: p for p in await all_of(demo, Project)}
    reports = await all_of(demo, StatusReport)
    by_project = defaultdict(list)
    for report in reports:
        by_project[report.project_id].append(report)

    assert {r.cadence for r in reports} == set(ReportCadence)
    assert set(by_project) == {p.id for p in projects.values() if p.status is not ProjectStatus.PLANNED}
    for project_id, items in by_project.items():
        project = projects[project_id]
        items.sort(key=lambda r: r.period_start)
        assert len({r.cadence for r in items}) == 1
        assert items[0].period_start == max(project.start_date, WINDOW_START)
        assert all(a.period_end + timedelta(days=1) == b.period_start for a, b in zip(items, items[1:]))
        assert all(r.period_end < TODAY and r.period_end <= project.end_date for r in items)
        if project.status is ProjectStatus.CLOSED:
            assert items[-1].period_end == project.end_date
        else:
            assert TODAY - items[-1].period_end <= timedelta(days=7 if items[0].cadence is ReportCadence.WEEKLY else 31)
        states = [r.state for r in items]
        drafts = states.count(ReportState.DRAFT)
        assert states == [ReportState.PUBLISHED] * (len(items) - drafts) + [ReportState.DRAFT] * drafts
        assert drafts == 0 if project.status is ProjectStatus.CLOSED else 1 <= drafts <= 2
        published = [r.percent_complete for r in items if r.state is ReportState.PUBLISHED]
        assert published == sorted(published)
    for report in reports:
        assert report.summary and report.accomplishments and report.next_steps and report.issues
        assert report.author_id == projects[report.project_id].manager_id
        if report.cadence is ReportCadence.WEEKLY:
            monday = report.period_end - timedelta(days=6)
            assert report.title == f"Weekly status — week of {monday.isoformat()}" and monday.weekday() == 0
        else:
            assert report.title == f"Monthly status — {report.period_start:%B %Y}"
        snapshot = [getattr(report, column) for column in HEALTH_COLUMNS] + [report.percent_complete]
        if report.state is ReportState.PUBLISHED:
            assert None not in snapshot and report.period_end < report.published_at.date() < TODAY
        else:
            assert report.published_at is None
        if not projects[report.project_id].financials_shared:
            assert "actual_cost_to_date" not in report.metrics


async def test_internal_notes_are_common_and_never_repeated_in_client_text(demo: AsyncSession) -> None:
    reports = await all_of(demo, StatusReport)
    notes = {r.internal_notes for r in reports if r.internal_notes}

    assert sum(1 for r in reports if r.internal_notes) >= len(reports) * 0.4
    client_text = "\n".join(f"{r.summary}\n{r.accomplishments}\n{r.next_steps}\n{r.issues}" for r in reports)
    assert not any(note in client_text for note in notes)
