"""Demo conversations: on each project with a subcontractor, the client asks about a milestone and the PMO answers
(CLIENT), the subcontractor and the manager coordinate (TEAM), and the manager keeps a note for staff (PMO)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.activity.models import Audience
from api.auth.models import Membership, Role
from api.comments.models import Comment, CommentRevision
from api.demo.dates import at_utc
from api.demo.projects import SeededProject
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import Assignment, MilestoneStatus


async def add_comments(*, session: AsyncSession, projects: list[SeededProject], today: date) -> None:
    """A short thread in each audience on the first open milestone of projects that have a subcontractor."""
    for seeded in projects:
        vendor_user_id = await session.scalar(
            select(Membership.user_id).join(Assignment, Assignment.organization_id == Membership.organization_id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(Assignment.project_id == seeded.project.id, Organization.kind == OrganizationKind.SUBCONTRACTOR,
                   Membership.role == Role.SUBCONTRACTOR).order_by(Membership.user_id).limit(1))
        milestone = next((m for m in seeded.milestones if m.status is MilestoneStatus.IN_PROGRESS), None)
        if vendor_user_id is None or milestone is None:
            continue
        officer, manager = seeded.client.contracting_officer, seeded.manager
        forecast = f"{milestone.forecast_date.day} {milestone.forecast_date:%B}"
        thread = [
            (officer.id, Audience.CLIENT, 6, f"Is {milestone.name} still on course for {forecast}? Our board meets "
                                             "the week after."),
            (manager.id, Audience.CLIENT, 5, f"Yes: {milestone.percent_complete}% done, and the forecast holds. "
                                             f"We will confirm in the next status report, @{officer.email}."),
            (vendor_user_id, Audience.TEAM, 4, "Test environment access is still pending; we can start the "
                                               "load tests two days after it arrives."),
            (manager.id, Audience.PMO, 3, "Watch the access request: if it slips past Friday, the forecast "
                                          "moves and the client hears it from us first."),
        ]
        for author_id, audience, days_ago, body in thread:
            posted = at_utc(today - timedelta(days=days_ago), 14, 30)
            session.add(Comment(client_id=seeded.project.client_id, project_id=seeded.project.id,
                                subject_type="Milestone", subject_id=milestone.id, audience=audience,
                                author_user_id=author_id, body=body, created_at=posted))
        await session.flush()
        edited = await session.scalar(select(Comment).where(Comment.project_id == seeded.project.id,
                                                            Comment.audience == Audience.TEAM))
        assert edited is not None
        session.add(CommentRevision(comment_id=edited.id, body="Test environment access is still pending.",
                                    written_at=edited.created_at, replaced_at=edited.created_at + timedelta(hours=1)))
        edited.edited_at = edited.created_at + timedelta(hours=1)
    await session.flush()
