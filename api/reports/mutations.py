"""Mutations on status reports: draft, amend, change and publish."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.mutations import UserError, attempt, id_of
from api.reports import service as report_service
from api.reports.drafting import ReportFields
from api.reports.models import StatusReport as StatusReportRow
from api.reports.types import ReportCadence, StatusReport


@strawberry.input(description="A new draft report; with `amendsId`, an amendment of a published report.")
class CreateStatusReportInput:
    project_id: relay.GlobalID
    cadence: ReportCadence
    period_start: date
    period_end: date
    title: str
    summary: str | None = None
    accomplishments: str | None = None
    next_steps: str | None = None
    issues: str | None = None
    internal_notes: str | None = None
    amends_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A published report of the same project that this draft corrects."
    )


@strawberry.input(description="Changes to a draft report; omitted fields stay as they are.")
class UpdateStatusReportInput:
    id: relay.GlobalID
    cadence: ReportCadence | None = None
    period_start: date | None = None
    period_end: date | None = None
    title: str | None = None
    summary: str | None = None
    accomplishments: str | None = None
    next_steps: str | None = None
    issues: str | None = None
    internal_notes: str | None = None


@strawberry.input(description="The draft report to publish.")
class PublishStatusReportInput:
    id: relay.GlobalID


@strawberry.type
class StatusReportPayload:
    status_report: StatusReport | None
    user_errors: list[UserError]


def _fields(input: CreateStatusReportInput | UpdateStatusReportInput) -> ReportFields:
    return ReportFields(
        cadence=input.cadence, period_start=input.period_start, period_end=input.period_end, title=input.title,
        summary=input.summary, accomplishments=input.accomplishments, next_steps=input.next_steps,
        issues=input.issues, internal_notes=input.internal_notes,
    )


def _payload(row: StatusReportRow | None, errors: list[UserError]) -> StatusReportPayload:
    return StatusReportPayload(status_report=StatusReport.from_model(row) if row else None, user_errors=errors)


@strawberry.type
class ReportMutations:
    @strawberry.mutation(description="Start a draft status report, or an amendment of a published one (PMO staff).")
    async def create_status_report(self, info: Info, input: CreateStatusReportInput) -> StatusReportPayload:
        context = info.context
        return _payload(*await attempt(context.session, report_service.create_status_report,
                                       principal=context.principal,
                                       project_id=id_of(input.project_id, "Project", field="projectId"),
                                       content=_fields(input),
                                       amends_id=id_of(input.amends_id, "StatusReport", field="amendsId")))

    @strawberry.mutation(description="Change a draft status report; published reports take an amendment (PMO staff).")
    async def update_status_report(self, info: Info, input: UpdateStatusReportInput) -> StatusReportPayload:
        context = info.context
        return _payload(*await attempt(context.session, report_service.update_status_report,
                                       principal=context.principal,
                                       report_id=id_of(input.id, "StatusReport", field="id"),
                                       changes=_fields(input)))

    @strawberry.mutation(description="Publish a draft, freezing the project's health and metrics into it (PMO staff).")
    async def publish_status_report(self, info: Info, input: PublishStatusReportInput) -> StatusReportPayload:
        context = info.context
        return _payload(*await attempt(context.session, report_service.publish_status_report,
                                       principal=context.principal,
                                       report_id=id_of(input.id, "StatusReport", field="id")))
