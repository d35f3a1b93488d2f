"""Report notices: what a published report says to one of the client's people, read through the API as them.

The notice's content comes from one GraphQL document run with the recipient's own principal, so a mail shows
exactly what that person may read through the API (no internal notes, no INTERNAL risk, no unshared money).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.auth.principal import Principal
from api.auth.service import principal_for_user
from api.context import Context
from api.kit.errors import Unauthenticated
from api.schema import get_schema
from api.settings import Settings
from api.sites.pages import project_url, report_order, report_page_names, report_url
from api.update_requests.models import UpdateRequest
from api.update_requests.service import update_link

TEMPLATES = Path(__file__).parent / "templates"
HEALTH_WORDS = {"GREEN": "Green", "AMBER": "Amber", "RED": "Red"}
HEALTH_COLOURS = {"GREEN": "#1e6b30", "AMBER": "#7a4a00", "RED": "#a3231b"}  # each at least 4.5:1 on white
STATUS_WORDS = {"PLANNED": "planned", "IN_PROGRESS": "in progress", "SUBMITTED": "submitted for acceptance",
                "ACCEPTED": "accepted", "REJECTED": "rejected"}
ASPECTS = (("schedule", "Schedule"), ("cost", "Cost"), ("scope", "Scope"), ("quality", "Quality"))
KIND_WORDS = {"MILESTONE": "milestone", "DELIVERABLE": "deliverable"}
DIGEST_KINDS = (("StatusReport", "reports"), ("Milestone", "milestones"), ("Risk", "risks"))
MAX_DIGEST_ITEMS = 100  # what one `nodes` read may ask for; a week holds far fewer


class NotVisible(Exception):
    """The recipient cannot read what the notice is about (any more): nothing is sent to them."""


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str
    html: str


@cache
def _document(name: str) -> str:
    return (TEMPLATES.parent / name).read_text(encoding="utf-8")


@cache
def _environments() -> tuple[Environment, Environment]:
    """HTML templates escape everything they insert; the plain-text part is not HTML and is not escaped."""
    loader = FileSystemLoader(TEMPLATES)
    html = Environment(loader=loader, autoescape=True, undefined=StrictUndefined)
    text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    return html, text


async def read_as(session: AsyncSession, *, settings: Settings, recipient_id: int, document: str,
                  operation: str, **variables: Any) -> dict[str, Any]:
    """Run `operation` of `document` through the API as the recipient; NotVisible when they may no longer sign in."""
    try:
        principal = await principal_for_user(session, user_id=recipient_id)
    except Unauthenticated:
        raise NotVisible("the recipient is no longer active") from None
    return await read_with(session, settings=settings, principal=principal, document=document, operation=operation,
                           **variables)


async def read_with(session: AsyncSession, *, settings: Settings, principal: Principal, document: str,
                    operation: str, **variables: Any) -> dict[str, Any]:
    """Run `operation` of `document` through the API as `principal`: what a channel sends is what it may read."""
    context = Context(session=session, principal=principal, settings=settings,
                      request_id=f"notice-{uuid.uuid4().hex[:12]}")
    result = await get_schema(settings).execute(document, variable_values=variables, context_value=context,
                                                operation_name=operation)
    if result.errors:
        raise RuntimeError(f"{operation} failed: {result.errors[0].message}")
    assert result.data is not None
    return result.data


async def report_notice(session: AsyncSession, *, settings: Settings, recipient_id: int, report_id: int,
                        survey_link: str | None) -> Notice:
    """The notice of a published report for one recipient, with their survey link when they were invited."""
    data = await read_as(session, settings=settings, recipient_id=recipient_id,
                         document=_document("report_notice.graphql"), operation="ReportNotice",
                         id=str(relay.GlobalID("StatusReport", str(report_id))))
    report = data["node"]
    if report is None or report["state"] != "PUBLISHED" or report["health"] is None:
        raise NotVisible("the recipient cannot read this report")
    project = report["project"]
    subject = _one_line(f"{project['code']} status: {report['title']} ({HEALTH_WORDS[report['health']['overall']]})")
    values = {
        "report": report,
        "milestone": project["nextMilestone"],
        "risks": [edge["node"] for edge in project["risks"]["edges"] if edge["node"]["status"] != "CLOSED"],
        "report_url": _report_url(report, project),
        "survey_link": survey_link,
        "aspects": ASPECTS,
        "health_words": HEALTH_WORDS,
        "health_colours": HEALTH_COLOURS,
        "status_words": STATUS_WORDS,
    }
    return _render("report_notice", settings=settings, subject=subject, client=project["client"], **values)


async def milestone_notice(session: AsyncSession, *, settings: Settings, recipient_id: int,
                           milestone_id: int) -> Notice:
    """What a milestone submitted for acceptance asks of one recipient, with a link to review it."""
    data = await read_as(session, settings=settings, recipient_id=recipient_id,
                         document=_document("decision_notice.graphql"), operation="MilestoneNotice",
                         id=str(relay.GlobalID("Milestone", str(milestone_id))))
    milestone = data["node"]
    if milestone is None or milestone["status"] != "SUBMITTED":
        raise NotVisible("the milestone is not awaiting this recipient's decision")
    project = milestone["project"]
    kind_word = KIND_WORDS[milestone["kind"]]
    subject = _one_line(f"{project['code']} {kind_word} for your review: {milestone['name']}")
    site = project["client"]["site"]
    return _render("milestone_submitted", settings=settings, subject=subject, client=project["client"],
                   milestone=milestone, kind_word=kind_word,
                   project_url=project_url(site["url"], project["code"]) if site else None)


async def survey_notice(session: AsyncSession, *, settings: Settings, recipient_id: int, project_id: int,
                        touchpoint: str, survey_link: str, milestone_id: int | None = None) -> Notice:
    """An email carrying one recipient's survey invitation: an accepted deliverable, or a project closed."""
    data = await read_as(session, settings=settings, recipient_id=recipient_id,
                         document=_document("decision_notice.graphql"), operation="ProjectNotice",
                         id=str(relay.GlobalID("Project", str(project_id))))
    project = data["node"]
    if project is None:
        raise NotVisible("the recipient cannot see this project")
    if touchpoint == "CLOSEOUT":
        question = f"{project['name']} is complete: how did we do?"
        lead = ("The project has closed. Tell us how the whole engagement went for you, and what we should keep "
                "or change.")
    else:
        milestone = await read_as(session, settings=settings, recipient_id=recipient_id,
                                  document=_document("decision_notice.graphql"), operation="MilestoneNotice",
                                  id=str(relay.GlobalID("Milestone", str(milestone_id))))
        if milestone["node"] is None:
            raise NotVisible("the recipient cannot see this deliverable")
        name = milestone["node"]["name"]
        question = f"How well does {name} serve you?"
        lead = f"You accepted {name}. Tell us how well it meets your needs now that it is yours."
    subject = _one_line(f"{project['code']}: {question}")
    return _render("survey_invitation", settings=settings, subject=subject, client=project["client"],
                   project=project, question=question, lead=lead, survey_link=survey_link)


async def digest_notice(session: AsyncSession, *, settings: Settings, recipient_id: int, client_id: int,
                        items: dict[str, list[int]], week: str) -> Notice:
    """One recipient's weekly digest; NotVisible when nothing of the week is theirs to read (no digest is sent)."""
    ids = [str(relay.GlobalID(kind, str(pk))) for kind, key in DIGEST_KINDS for pk in items[key]][:MAX_DIGEST_ITEMS]
    found = []
    if ids:
        data = await read_as(session, settings=settings, recipient_id=recipient_id,
                             document=_document("digest.graphql"), operation="DigestItems", ids=ids)
        found = [node for node in data["nodes"] if node is not None]
    by_type = {kind: [node for node in found if node["__typename"] == kind] for kind, _ in DIGEST_KINDS}
    if not found:
        raise NotVisible("nothing this week for this recipient: no digest")
    client = (await read_as(session, settings=settings, recipient_id=recipient_id, document=_document("digest.graphql"),
                            operation="DigestClient", id=str(relay.GlobalID("Client", str(client_id)))))["node"]
    if client is None:
        raise NotVisible("the recipient cannot see this client")
    subject = _one_line(f"{client['name']}: your week, {week}")
    return _render("weekly_digest", settings=settings, subject=subject, client=client, week=week,
                   reports=by_type["StatusReport"], milestones=by_type["Milestone"], risks=by_type["Risk"],
                   site_url=client["site"]["url"] if client["site"] else None, health_words=HEALTH_WORDS,
                   status_words=STATUS_WORDS)


async def endpoint_notice(session: AsyncSession, *, settings: Settings, recipient_id: int, endpoint_id: int,
                          disabled: bool, error: str) -> Notice:
    """Tell the person behind a webhook endpoint that it keeps failing, or was disabled for it."""
    data = await read_as(session, settings=settings, recipient_id=recipient_id,
                         document=_document("decision_notice.graphql"), operation="EndpointNotice",
                         id=str(relay.GlobalID("WebhookEndpoint", str(endpoint_id))))
    endpoint = data["node"]
    if endpoint is None:
        raise NotVisible("the recipient cannot see this endpoint any more")
    state = "disabled" if disabled else "failing"
    subject = _one_line(f"Webhook endpoint {state}: {endpoint['url']}")
    client = endpoint["client"] or {"name": _sender_name(settings)}
    return _render("webhook_failing", settings=settings, subject=subject, client=client, endpoint=endpoint,
                   disabled=disabled, error=error)


AUDIENCE_WORDS = {"CLIENT": "the client, PMO staff and the project's subcontractors",
                  "TEAM": "PMO staff and the project's subcontractors", "PMO": "PMO staff"}


async def comment_notice(session: AsyncSession, *, settings: Settings, recipient_id: int, comment_id: int) -> Notice:
    """A comment that names its recipient, as they may read it now (not at all once deleted or out of reach)."""
    data = await read_as(session, settings=settings, recipient_id=recipient_id,
                         document=_document("decision_notice.graphql"), operation="CommentNotice",
                         id=str(relay.GlobalID("Comment", str(comment_id))))
    comment = data["node"]
    if comment is None or comment["body"] is None or comment["subject"] is None:
        raise NotVisible("the recipient cannot read this comment (any more)")
    subject = comment["subject"]
    project = subject["project"]
    on = subject.get("name") or subject.get("title")
    author = (comment["author"] or {"name": "Someone"})["name"]
    return _render("comment_mention", settings=settings, subject=_one_line(f"{author} mentioned you on {on}"),
                   client=project["client"], project=project, on=on, author=author, body=comment["body"],
                   audience_words=AUDIENCE_WORDS[comment["audience"]])


async def update_request_notice(session: AsyncSession, *, settings: Settings, recipient_id: int, request_id: int,
                                reminder: bool) -> Notice:
    """An update request, or its reminder, with the signed link to answer it; nothing once it no longer waits."""
    data = await read_as(session, settings=settings, recipient_id=recipient_id,
                         document=_document("decision_notice.graphql"), operation="UpdateRequestNotice",
                         id=str(relay.GlobalID("UpdateRequest", str(request_id))))
    request = data["node"]
    if request is None or request["state"] not in ("OPEN", "OVERDUE"):
        raise NotVisible("the request no longer waits for an answer")
    row = await session.get(UpdateRequest, request_id)
    assert row is not None
    project = request["project"]
    asker = (request["requester"] or {"name": "The project team"})["name"]
    subject = _one_line(f"{'Reminder: ' if reminder else ''}update {project['code']} by {request['dueDate']}")
    return _render("update_request", settings=settings, subject=subject, client=project["client"], request=request,
                   project=project, asker=asker, reminder=reminder, link=update_link(row, settings=settings))


def _render(template: str, *, settings: Settings, subject: str, client: dict[str, Any], **values: Any) -> Notice:
    html, text = _environments()
    values |= {"subject": subject, "client_name": client["name"], "sender_name": _sender_name(settings)}
    return Notice(subject=subject, text=text.get_template(f"{template}.txt").render(**values),
                  html=html.get_template(f"{template}.html").render(**values))


def _report_url(report: dict[str, Any], project: dict[str, Any]) -> str | None:
    site = project["client"]["site"]
    if site is None:
        return None
    reports = sorted((edge["node"] for edge in project["statusReports"]["edges"]), key=report_order)
    for sibling, name in zip(reports, report_page_names(project["code"], reports), strict=True):
        if sibling["id"] == report["id"]:
            return report_url(site["url"], name)
    return site["url"]


def _sender_name(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[0] or "Rapport"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
