"""The naive baseline: Strawberry + SQLAlchemy as tutorials write it, loading each relation per row."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from fastapi import FastAPI
from sqlalchemy import select
from strawberry.fastapi import GraphQLRouter
from strawberry.types import Info

from api.cx.feedback.models import Feedback
from api.organizations.models import Organization
from api.projects.models import Milestone, Project, Risk, Visibility
from api.reports.models import ReportState, StatusReport

QUERY = """query($slug: String!) { client(slug: $slug) { name cx { sampleSize csatPercent nps }
  projects { code name status percentComplete health
    milestones { name status forecastDate percentComplete }
    latestReport { title publishedAt }
    risks { title severity status } } } }"""


@strawberry.type
class NaiveMilestone:
    name: str
    status: str
    forecast_date: date
    percent_complete: int


@strawberry.type
class NaiveReport:
    title: str
    published_at: datetime | None


@strawberry.type
class NaiveRisk:
    title: str
    severity: str
    status: str


@strawberry.type
class NaiveCx:
    sample_size: int
    csat_percent: float | None
    nps: float | None


@strawberry.type
class NaiveProject:
    id: strawberry.Private[int]
    code: str
    name: str
    status: str
    percent_complete: int
    health: str

    @strawberry.field
    async def milestones(self, info: Info) -> list[NaiveMilestone]:
        rows = await info.context["session"].scalars(
            select(Milestone).where(Milestone.project_id == self.id).order_by(Milestone.baseline_date).limit(20))
        return [NaiveMilestone(name=m.name, status=m.status.value, forecast_date=m.forecast_date,
                               percent_complete=m.percent_complete) for m in rows]

    @strawberry.field
    async def latest_report(self, info: Info) -> NaiveReport | None:
        row = await info.context["session"].scalar(
            select(StatusReport).where(StatusReport.project_id == self.id, StatusReport.state == ReportState.PUBLISHED)
            .order_by(StatusReport.period_end.desc()).limit(1))
        return NaiveReport(title=row.title, published_at=row.published_at) if row else None

    @strawberry.field
    async def risks(self, info: Info) -> list[NaiveRisk]:
        rows = await info.context["session"].scalars(
            select(Risk).where(Risk.project_id == self.id, Risk.visibility == Visibility.CLIENT).limit(10))
        return [NaiveRisk(title=r.title, severity=r.severity.value, status=r.status.value) for r in rows]


@strawberry.type
class NaiveClient:
    id: strawberry.Private[int]
    name: str

    @strawberry.field
    async def projects(self, info: Info) -> list[NaiveProject]:
        rows = await info.context["session"].scalars(
            select(Project).where(Project.client_id == self.id).order_by(Project.code).limit(100))
        return [NaiveProject(id=p.id, code=p.code, name=p.name, status=p.status.value,
                             percent_complete=p.percent_complete, health=p.health_overall.value) for p in rows]

    @strawberry.field
    async def cx(self, info: Info) -> NaiveCx:
        rows = list(await info.context["session"].scalars(select(Feedback).where(Feedback.client_id == self.id)))
        csat = [f.csat for f in rows if f.csat is not None]
        nps = [f.nps for f in rows if f.nps is not None]
        return NaiveCx(
            sample_size=len(rows),
            csat_percent=round(100 * sum(s >= 4 for s in csat) / len(csat), 1) if csat else None,
            nps=round(100 * (sum(s >= 9 for s in nps) - sum(s <= 6 for s in nps)) / len(nps), 1) if nps else None)


@strawberry.type
class NaiveQuery:
    @strawberry.field
    async def client(self, info: Info, slug: str) -> NaiveClient | None:
        row = await info.context["session"].scalar(select(Organization).where(Organization.slug == slug))
        return NaiveClient(id=row.id, name=row.name) if row else None


def naive_app(database_url: str) -> FastAPI:
    """A FastAPI app serving the naive schema with a session per request."""
    from api.kit.database import create_engine, create_session_factory

    sessions = create_session_factory(create_engine(database_url))

    async def context():  # noqa: ANN202 - FastAPI dependency
        async with sessions() as session:
            yield {"session": session}

    app = FastAPI()
    app.include_router(GraphQLRouter(strawberry.Schema(query=NaiveQuery), context_getter=context), prefix="/graphql")
    return app
