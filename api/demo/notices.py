"""The demo's live moves: a draft report published and an update request made through the services, so their
notices, webhooks and activity go out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.backstop import acting_as
from api.auth.models import Membership, Role, User
from api.auth.service import principal_for_user
from api.earned_value import service as earned_value_service
from api.projects.models import Assignment, Milestone, MilestoneStatus, Project, Risk, Visibility
from api.reports import service as report_service
from api.reports.models import ReportState, StatusReport
from api.update_requests import service as request_service
from api.update_requests.models import UpdateRequest
from api.update_requests.service import RequestDraft


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


async def ask_for_an_update(session: AsyncSession) -> tuple[UpdateRequest, User] | None:
    """As a project's manager, ask its subcontractor's person to update the first open milestone and the client-
    visible risks, due in three days; the request and whom it asks, or None when no project has a subcontractor."""
    rows = await session.execute(
        select(Project, User).join(Assignment, Assignment.project_id == Project.id)
        .join(Membership, Membership.organization_id == Assignment.organization_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role == Role.SUBCONTRACTOR, Project.manager_id.is_not(None))
        .order_by(Project.code, User.id))
    for project, person in rows:
        milestone_ids = list(await session.scalars(
            select(Milestone.id).where(Milestone.project_id == project.id, Milestone.status == MilestoneStatus.IN_PROGRESS)
            .order_by(Milestone.id).limit(1)))
        if not milestone_ids:
            continue
        risk_ids = list(await session.scalars(select(Risk.id).where(Risk.project_id == project.id,
                                                                    Risk.visibility == Visibility.CLIENT)
                                              .order_by(Risk.id).limit(2)))
        manager = await principal_for_user(session, user_id=project.manager_id)
        today = (await earned_value_service.today_for_clients(session, client_ids=[project.client_id]))[
            project.client_id]
        with acting_as(session, manager):
            request = await request_service.create_update_request(session, principal=manager, draft=RequestDraft(
                project_id=project.id, recipient_email=person.email, milestone_ids=milestone_ids, risk_ids=risk_ids,
                message="Ahead of the client's board on Friday: where do these stand?",
                due_date=today + timedelta(days=3)))
        return request, person
    return None
