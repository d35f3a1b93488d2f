"""Hand-made SiteSnapshot query results (the `data` of sitegen/snapshot.graphql)."""

from __future__ import annotations

import copy


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
    }


def client_snapshot(nodes: list[dict], *, name: str = "Department of Transit Services") -> dict:
    """A complete SiteSnapshot result holding the given project nodes."""
    return {
        "client": {
            "id": "Q2xpZW50OjE=",
            "slug": "transit",
            "name": name,
            "projects": {
                "totalCount": len(nodes),
                "pageInfo": {"hasNextPage": False, "endCursor": "Y3Vyc29yOjU="},
                "edges": [{"node": copy.deepcopy(node)} for node in nodes],
            },
        }
    }


TRANSIT_PROJECTS = [
    project_node(
        "TRN-101",
        "Fare Collection Modernisation",
        percent=62,
        overall="AMBER",
        summary="Replacing the 2009 fare gates across 48 stations.\n\n"
        "Vendor testing of the new readers finished in March; station rollout is next.",
    ),
    project_node("TRN-104", "Bus Depot Electrification", percent=35, overall="RED",
                 summary="Charging infrastructure for the North and East depots."),
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


def transit_snapshot() -> dict:
    """A realistic client with projects in every status and health."""
    return client_snapshot(TRANSIT_PROJECTS)


HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_SUMMARY = "**bold** [click](javascript:alert(2)) <img src=x onerror=alert(3)> & `code`"


def hostile_snapshot() -> dict:
    """A client whose data tries to inject HTML and Markdown everywhere it can."""
    nodes = [
        project_node("XSS-1", HOSTILE_NAME, summary=HOSTILE_SUMMARY),
        project_node("MD-2", "[Phish](https://evil.example/) *stars* _under_", status="CLOSED", percent=100),
    ]
    return client_snapshot(nodes, name='Acme "Quotes" & <b>Bold</b> Ltd')
