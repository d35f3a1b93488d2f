"""The demo's one live publication: a draft report published through the service, so its notices go out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.backstop import acting_as
from api.auth.service import principal_for_user
from api.projects.models import Project
from api.reports import service as report_service
from api.reports.models import ReportState, StatusReport


async def publish_newest_draft(session: AsyncSession) -> StatusReport | None:
    """Publish the draft with the latest period as its project's manager, as the PMO would; None without one."""
    draft = await session.scalar(
        select(StatusReport).join(Project, Project.id == StatusReport.project_id)
        .where(StatusReport.state == ReportState.DRAFT, Project.manager_id.is_not(None))
        .order_by(StatusReport.period_end.desc(), StatusReport.id).limit(1)
    )
    if draft is None:
        return None
    project = await session.get(Project, draft.project_id)
    principal = await principal_for_user(session, user_id=project.manager_id)
    with acting_as(session, principal):
        return await report_service.publish_status_report(session, principal=principal, report_id=draft.id)
