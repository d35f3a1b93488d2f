"""Answering an update request from its link: each requested milestone and risk, changed as its recipient may
change it, and nothing else whatever the form sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from api.activity.models import Audience
from api.auth.principal import Principal
from api.auth.service import principal_for_user
from api.comments import service as comment_service
from api.kit.columns import utcnow
from api.kit.errors import DomainError, InvalidInput, ValidationFailed
from api.projects import milestone_service, risk_service
from api.projects.milestone_service import MilestoneFields
from api.projects.models import Milestone, Risk, RiskStatus
from api.update_requests.models import UpdateRequest, UpdateRequestState
from api.update_requests.service import LinkClosed, items_of, record_request_event


@dataclass(frozen=True)
class MilestoneAnswer:
    percent: str = ""
    forecast: str = ""
    note: str = ""


@dataclass(frozen=True)
class RiskAnswer:
    status: str = ""
    mitigation: str = ""


@dataclass
class Answer:
    """The form's fields for the requested items, by id; fields for anything else are never read."""

    milestones: dict[int, MilestoneAnswer] = field(default_factory=dict)
    risks: dict[int, RiskAnswer] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestForm:
    """What the form shows: the request and, in the order asked, its milestones and risks as they stand."""

    request: UpdateRequest
    recipient: Principal
    milestones: list[Milestone]
    risks: list[Risk]


async def request_form(session: AsyncSession, *, request: UpdateRequest) -> RequestForm:
    """The request's items as its recipient may see them now."""
    try:
        recipient = await principal_for_user(session, user_id=request.recipient_user_id)
    except DomainError as exc:
        raise LinkClosed("this request was withdrawn") from exc
    [(milestone_ids, risk_ids)] = await items_of(session, request_ids=[request.id])
    milestones = await milestone_service.milestones_by_ids(session, principal=recipient, ids=milestone_ids)
    risks = await risk_service.risks_by_ids(session, principal=recipient, ids=risk_ids)
    return RequestForm(request=request, recipient=recipient, milestones=[m for m in milestones if m is not None],
                       risks=[r for r in risks if r is not None])


def _whole(raw: str, field_name: str, problems: list[InvalidInput]) -> int | None:
    try:
        return int(raw)
    except ValueError:
        problems.append(InvalidInput("enter a whole number from 0 to 100", field=field_name))
        return None


def _day(raw: str, field_name: str, problems: list[InvalidInput]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(InvalidInput("enter a date as YYYY-MM-DD", field=field_name))
        return None


async def answer_request(session: AsyncSession, *, form: RequestForm, answer: Answer) -> None:
    """Apply the answer as the recipient, then mark the request answered by them; ValidationFailed (nothing
    applied, the caller rolls back) names each field to fix."""
    request, recipient = form.request, form.recipient
    if request.state not in (UpdateRequestState.OPEN, UpdateRequestState.OVERDUE):
        raise LinkClosed("this request was already answered")
    problems: list[InvalidInput] = []
    for milestone in form.milestones:
        given = answer.milestones.get(milestone.id, MilestoneAnswer())
        prefix = f"m{milestone.id}"
        percent = _whole(given.percent.strip(), f"{prefix}-percent", problems) if given.percent.strip() else None
        forecast = _day(given.forecast.strip(), f"{prefix}-forecast", problems) if given.forecast.strip() else None
        fields = MilestoneFields(percent_complete=percent if percent != milestone.percent_complete else None,
                                 forecast_date=forecast if forecast != milestone.forecast_date else None)
        await _apply(problems, prefix, milestone_service.update_milestone(
            session, principal=recipient, milestone_id=milestone.id, fields=fields) if fields.given() else None)
        if given.note.strip():
            await _apply(problems, f"{prefix}-note", comment_service.add_comment(
                session, principal=recipient, subject=("Milestone", milestone.id), body=given.note,
                audience=Audience.TEAM))
    for risk in form.risks:
        given_risk = answer.risks.get(risk.id, RiskAnswer())
        prefix = f"r{risk.id}"
        status = None
        if given_risk.status and given_risk.status != risk.status.value:
            status = RiskStatus.__members__.get(given_risk.status)
            if status is None:
                problems.append(InvalidInput("choose open, being mitigated or closed", field=f"{prefix}-status"))
        mitigation = given_risk.mitigation.strip()
        if status is not None or (mitigation and mitigation != risk.mitigation):
            await _apply(problems, prefix, risk_service.report_risk(
                session, principal=recipient, risk_id=risk.id, status=status,
                mitigation=mitigation if mitigation and mitigation != risk.mitigation else None))
    if problems:
        raise ValidationFailed(problems)
    request.state, request.answered_at = UpdateRequestState.ANSWERED, utcnow()
    request.answered_by_user_id = recipient.user_id
    await session.flush()
    record_request_event(session, request, recipient.user_id, "answered")


async def _apply(problems: list[InvalidInput], prefix: str, change) -> None:  # noqa: ANN001 - a coroutine or None
    """Run one change; its refusal becomes a problem against the form field it came from."""
    if change is None:
        return
    try:
        await change
    except ValidationFailed as exc:
        problems += [InvalidInput(p.message, field=f"{prefix}-{_form_field(p.field)}") for p in exc.problems]
    except DomainError as exc:
        problems.append(InvalidInput(exc.message, field=prefix if prefix.endswith("-note") else
                                     f"{prefix}-{_form_field(exc.field)}"))


def _form_field(api_field: str | None) -> str:
    return {"percentComplete": "percent", "forecastDate": "forecast", "mitigation": "mitigation",
            "status": "status", "body": "note"}.get(api_field or "", "percent")
