"""Hand-made SiteSnapshot query results (the `data` of sitegen/snapshot.graphql)."""

from __future__ import annotations

import base64
import copy
from pathlib import Path

import pytest

from sitegen.build import build_mkdocs_site
from sitegen.render import SiteOptions, render_site_project


def project_node(
    code: str,
    name: str,
    *,
    status: str = "ACTIVE",
    phase: str = "EXECUTION",
    percent: int = 50,
    overall: str = "GREEN",
    summary: str = "",
    start: str | None = "2025-01-06",
    end: str | None = "2026-06-30",
    milestones: list[dict] | None = None,
    risks: list[dict] | None = None,
    reports: list[dict] | None = None,
    financials: dict | None = None,
    manager: dict | None = None,
    team: list[dict] | None = None,
) -> dict:
    """A project node as the SiteSnapshot query returns it."""
    return {
        "id": f"UHJvamVjdDo{code}",
        "code": code,
        "name": name,
        "summary": summary,
        "status": status,
        "phase": phase,
        "percentComplete": percent,
        "startDate": start,
        "endDate": end,
        "health": {
            "overall": overall,
            "schedule": overall,
            "cost": "GREEN",
            "scope": "AMBER",
            "quality": "GREEN",
        },
        "financials": financials,
        "manager": copy.deepcopy(manager),
        "assignments": _connection(team or []),
        "milestones": _connection(milestones or []),
        "risks": _connection(risks or []),
        "statusReports": _connection(reports or []),
    }


def milestone(name: str, *, baseline: str, forecast: str, status: str = "IN_PROGRESS", slip: int = 0,
              completed: str | None = None, kind: str = "MILESTONE") -> dict:
    """A milestone node as the SiteSnapshot query returns it (its id stands in for a global id)."""
    return {"id": base64.b64encode(f"Milestone:{name}|{baseline}".encode()).decode(),
            "name": name, "kind": kind, "baselineDate": baseline, "forecastDate": forecast,
            "completedDate": completed, "status": status, "slipDays": slip}


def risk(title: str, *, description: str = "", severity: str = "MEDIUM", status: str = "OPEN", kind: str = "RISK",
         mitigation: str = "", raised: str = "2025-09-01") -> dict:
    """A client-visible risk node as the SiteSnapshot query returns it."""
    return {"kind": kind, "title": title, "description": description, "severity": severity, "status": status,
            "mitigation": mitigation, "raisedOn": raised}


def report(title: str, *, start: str, end: str, percent: int, overall: str = "GREEN", summary: str = "",
           accomplishments: str = "", next_steps: str = "", issues: str = "") -> dict:
    """A published status report node as the SiteSnapshot query returns it."""
    return {
        "title": title, "periodStart": start, "periodEnd": end, "summary": summary,
        "accomplishments": accomplishments, "nextSteps": next_steps, "issues": issues,
        "percentComplete": percent, "publishedAt": f"{end}T16:00:00+00:00",
        "health": {"overall": overall, "schedule": overall, "cost": "GREEN", "scope": "GREEN", "quality": "GREEN"},
    }


def financials(budget: str, spent: str, percent: float | None, currency: str = "USD") -> dict:
    """Shared project financials as the SiteSnapshot query returns them."""
    return {"budgetAtCompletion": {"amount": budget, "currency": currency},
            "actualCostToDate": {"amount": spent, "currency": currency}, "percentSpent": percent}


def person(name: str, *, title: str | None = None, email: str | None = None, phone: str | None = None) -> dict:
    """A person (project manager or team member) as the SiteSnapshot query returns them."""
    return {"name": name, "title": title, "email": email, "phone": phone}


def assignment(role: str, *, organization: str, kind: str = "PMO", who: dict | None = None) -> dict:
    """A project assignment node as the SiteSnapshot query returns it."""
    return {"role": role, "person": copy.deepcopy(who), "organization": {"name": organization, "kind": kind}}


def cx_point(month: str, *, csat: float | None, sample: int) -> dict:
    """One month of the satisfaction trend; no CSAT figure below the minimum sample."""
    return {"periodStart": month, "sampleSize": sample, "insufficientData": csat is None, "csatPercent": csat}


def action_item(title: str, *, you_said: str, we_did: str, completed: str) -> dict:
    """A DONE client-visible action item as the SiteSnapshot query returns it."""
    return {"title": title, "youSaid": you_said, "weDid": we_did, "completedAt": completed}


def _connection(nodes: list[dict]) -> dict:
    return {"totalCount": len(nodes), "edges": [{"node": copy.deepcopy(node)} for node in nodes]}


def client_snapshot(nodes: list[dict], *, name: str = "Department of Transit Services",
                    trend: list[dict] | None = None, actions: list[dict] | None = None) -> dict:
    """A complete SiteSnapshot result holding the given project nodes."""
    trend = trend or []
    return {
        "actionItems": _connection(actions or []),
        "client": {
            "id": "Q2xpZW50OjE=",
            "slug": "transit",
            "name": name,
            "cxSummary": {
                "windowStart": "2025-01-01", "windowEnd": "2025-12-31", "minimumSample": 5,
                "sampleSize": sum(point["sampleSize"] for point in trend), "insufficientData": not trend,
                "csatPercent": 80.0 if trend else None, "nps": 25.0 if trend else None,
                "cesMean": 2.4 if trend else None, "trend": copy.deepcopy(trend),
            },
            "projects": {
                "totalCount": len(nodes),
                "pageInfo": {"hasNextPage": False, "endCursor": "Y3Vyc29yOjU="},
                "edges": [{"node": copy.deepcopy(node)} for node in nodes],
            },
        }
    }


DANA = person("Dana Reyes", title="Senior Project Manager", email="dana.reyes@pmo.example", phone="+1 202 555 0147")
SAM = person("Sam Okafor", title="Business Analyst", email="sam.okafor@pmo.example")
TRANSIT_TEAM = [
    assignment("Project manager", organization="Northwind PMO", who=DANA),
    assignment("Business analysis", organization="Northwind PMO", who=SAM),
    assignment("Gate installation", organization="Harbor Field Services LLC", kind="SUBCONTRACTOR"),
]

TRANSIT_PROJECTS = [
    project_node(
        "TRN-101",
        "Fare Collection Modernisation",
        percent=62,
        overall="AMBER",
        summary="Replacing the 2009 fare gates across 48 stations.\n\n"
        "Vendor testing of the new readers finished in March; station rollout is next.",
        milestones=[
            milestone("Reader certification", baseline="2025-03-14", forecast="2025-03-28", status="ACCEPTED",
                      slip=14, completed="2025-03-27"),
            milestone("Station rollout wave 1", baseline="2025-06-30", forecast="2025-07-21", slip=21),
            milestone("Back-office cutover", baseline="2025-11-14", forecast="2025-11-07", status="NOT_STARTED",
                      slip=-7, kind="DELIVERABLE"),
        ],
        risks=[risk("Gate supplier lead times", description="Two stations wait on replacement gate cabinets.",
                    severity="HIGH", mitigation="Second supplier qualified in May.")],
        reports=[
            report("January status", start="2025-01-01", end="2025-01-31", percent=41, overall="GREEN",
                   summary="Readers passed lab testing.", accomplishments="Lab test report signed off."),
            report("February status", start="2025-02-01", end="2025-02-28", percent=48, overall="AMBER",
                   summary="Field trials started at Central.", next_steps="Finish the field trial.",
                   issues="Cabinet deliveries are late."),
            report("March status", start="2025-03-01", end="2025-03-31", percent=62, overall="AMBER",
                   summary="Certification complete."),
        ],
        financials=financials("1250000.00", "610000.00", 48.8),
        manager=DANA,
        team=TRANSIT_TEAM,
    ),
    project_node("TRN-104", "Bus Depot Electrification", percent=35, overall="RED",
                 summary="Charging infrastructure for the North and East depots.", manager=DANA),
    project_node("TRN-110", "Rider Information Displays", phase="CLOSEOUT", percent=96,
                 summary="Real-time arrival screens at 120 stops."),
    project_node("TRN-112", "Timetable Data Platform", status="ON_HOLD", phase="PLANNING", percent=12,
                 overall="AMBER", summary="Paused while the data-sharing agreement is renegotiated."),
    project_node("TRN-120", "Accessibility Audit 2026", status="PLANNED", phase="INITIATION", percent=0,
                 summary="Station-by-station audit against the 2026 accessibility standard.", end=None),
    project_node("TRN-090", "Legacy Radio Decommissioning", status="CLOSED", phase="CLOSEOUT", percent=100,
                 summary="Old analogue radio network switched off.", start="2023-02-01", end="2024-11-29"),
    project_node("TRN-095", "Ticket Office Kiosks", status="CANCELLED", phase="PLANNING", percent=8,
                 overall="RED", summary="Cancelled at the client's request.", start="2024-03-04", end="2024-09-30"),
]


TRANSIT_TREND = [
    cx_point("2025-01-01", csat=72.5, sample=8),
    cx_point("2025-02-01", csat=None, sample=2),
    cx_point("2025-03-01", csat=81.0, sample=11),
    cx_point("2025-04-01", csat=85.7, sample=7),
]
TRANSIT_ACTIONS = [
    action_item("Plain-language status reports", you_said="The reports were full of jargon.",
                we_did="We rewrote the template with a glossary.", completed="2025-03-10T09:00:00+00:00"),
    action_item("Earlier meeting notes", you_said="Notes arrived a week after meetings.",
                we_did="Notes now go out within two working days.", completed="2025-04-02T09:00:00+00:00"),
]


def transit_snapshot() -> dict:
    """A realistic client with projects in every status and health."""
    return client_snapshot(TRANSIT_PROJECTS, trend=TRANSIT_TREND, actions=TRANSIT_ACTIONS)


HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_SUMMARY = "**bold** [click](javascript:alert(2)) <img src=x onerror=alert(3)> & `code`"


def hostile_snapshot() -> dict:
    """A client whose data tries to inject HTML and Markdown everywhere it can."""
    nodes = [
        project_node(
            "XSS-1", HOSTILE_NAME, summary=HOSTILE_SUMMARY,
            milestones=[milestone(HOSTILE_NAME, baseline="2025-02-01", forecast="2025-02-01")],
            risks=[risk(HOSTILE_NAME, description=HOSTILE_SUMMARY, mitigation=HOSTILE_SUMMARY)],
            reports=[report(HOSTILE_NAME, start="2025-01-01", end="2025-01-31", percent=10, summary=HOSTILE_SUMMARY,
                            accomplishments=HOSTILE_SUMMARY, next_steps=HOSTILE_NAME, issues=HOSTILE_SUMMARY)],
            financials=financials("100.00", "5.00", 5.0, currency=HOSTILE_NAME),
            manager=person(HOSTILE_NAME, title=HOSTILE_SUMMARY, email='x"@evil.example><script>', phone="javascript:1"),
            team=[assignment(HOSTILE_NAME, organization=HOSTILE_NAME, who=person(HOSTILE_NAME))],
        ),
        project_node("MD-2", "[Phish](https://evil.example/) *stars* _under_", status="CLOSED", percent=100),
    ]
    actions = [action_item(HOSTILE_NAME, you_said=HOSTILE_SUMMARY, we_did=HOSTILE_SUMMARY,
                           completed="2025-03-01T09:00:00+00:00")]
    return client_snapshot(nodes, name='Acme "Quotes" & <b>Bold</b> Ltd', actions=actions)


EPOCH = 1767225600  # 2026-01-01T00:00:00Z
OPTIONS = SiteOptions(brand_name="Northwind PMO", accent_color="#1f5f8b", logo_url=None)


def built_site(tmp_path_factory: pytest.TempPathFactory, snapshot: dict, *, options: SiteOptions = OPTIONS,
               epoch: int = EPOCH) -> Path:
    """`snapshot` rendered and built in-process into a fresh folder: the built site's folder."""
    project_dir, site_dir = tmp_path_factory.mktemp("project"), tmp_path_factory.mktemp("site")
    render_site_project(snapshot, project_dir=project_dir, options=options, build_epoch=epoch)
    build_mkdocs_site(project_dir=project_dir, site_dir=site_dir, build_epoch=epoch)
    return site_dir
