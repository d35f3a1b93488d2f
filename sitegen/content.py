"""A client's snapshot read into the values its pages show, checked against the schema's enums."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.sites.pages import page_stem, report_order, report_page_names

HEALTH_MARKERS = {"GREEN": "●", "AMBER": "▲", "RED": "■"}
STATUS_LABELS = {
    "ACTIVE": "Active",
    "ON_HOLD": "On hold",
    "PLANNED": "Planned",
    "CLOSED": "Closed",
    "CANCELLED": "Cancelled",
}
PHASE_LABELS = {
    "INITIATION": "Initiation",
    "PLANNING": "Planning",
    "EXECUTION": "Execution",
    "CLOSEOUT": "Closeout",
}
HEALTH_ASPECTS = (
    ("overall", "Overall"),
    ("schedule", "Schedule"),
    ("cost", "Cost"),
    ("scope", "Scope"),
    ("quality", "Quality"),
)

@dataclass(frozen=True)
class Report:
    """One published status report, with the file stem of its printable page."""

    page_name: str
    title: str
    period_start: str
    period_end: str
    summary: str
    accomplishments: str
    next_steps: str
    issues: str
    percent_complete: int
    health: dict[str, str]
    published_at: str | None = None


@dataclass(frozen=True)
class Project:
    """One project as the microsite shows it, read from a snapshot node."""

    code: str
    name: str
    summary: str
    status: str
    phase: str
    percent_complete: int
    start_date: str | None
    end_date: str | None
    health: dict[str, str]
    milestones: tuple[dict, ...] = ()
    risks: tuple[dict, ...] = ()
    reports: tuple[Report, ...] = ()
    financials: dict | None = None
    manager: dict | None = None
    team: tuple[dict, ...] = ()
    next_milestone: dict | None = None
    earned_value: dict | None = None  # at the site's today; amounts null where the client does not see money
    trend: tuple[dict, ...] = ()  # earned value at each month end since the start, oldest first
    activity: tuple[dict, ...] = ()  # the client-audience activity of the last 30 days, newest first (20 at most)

    @property
    def page_name(self) -> str:
        """The page's file stem: the code, lower-cased and made safe for a path."""
        return page_stem(self.code)


def read_projects(snapshot: dict) -> list[Project]:
    """The snapshot's projects, validated and sorted by name then code."""
    connection = snapshot["client"]["projects"]
    nodes = [edge["node"] for edge in connection["edges"]]
    if len(nodes) != connection["totalCount"]:
        raise ValueError(f"snapshot holds {len(nodes)} of {connection['totalCount']} projects")
    projects = sorted(
        (_read_project(node) for node in nodes), key=lambda p: (p.name.casefold(), p.name, p.code)
    )
    page_names = Counter(project.page_name for project in projects)
    clashes = sorted(name for name, count in page_names.items() if count > 1 or not name)
    if clashes:
        raise ValueError(f"project codes give unusable or clashing page names: {clashes}")
    return projects


def read_action_items(snapshot: dict) -> list[dict]:
    """The DONE action items, most recently completed first, then by title."""
    items = _complete_list(snapshot["actionItems"], "action items")
    items.sort(key=lambda item: item["title"])
    items.sort(key=lambda item: item["completedAt"] or "", reverse=True)
    return items


def _read_project(node: dict) -> Project:
    health = _read_health(node["health"], node["code"])
    if node["status"] not in STATUS_LABELS or node["phase"] not in PHASE_LABELS:
        raise ValueError(f"project {node['code']!r} has an unknown status, phase or health")
    percent = _percent(node["percentComplete"], node["code"])
    milestones = _complete_list(node["milestones"], f"{node['code']} milestones")
    milestones.sort(key=lambda m: (m["forecastDate"], m["baselineDate"], m["name"]))
    risks = _complete_list(node["risks"], f"{node['code']} risks")
    risks.sort(key=lambda r: (r["raisedOn"], r["title"]), reverse=True)
    return Project(
        code=node["code"],
        name=node["name"],
        summary=node.get("summary") or "",
        status=node["status"],
        phase=node["phase"],
        percent_complete=percent,
        start_date=node.get("startDate"),
        end_date=node.get("endDate"),
        health=health,
        milestones=tuple(milestones),
        risks=tuple(risks),
        reports=_read_reports(node),
        financials=node.get("financials"),
        manager=node.get("manager"),
        team=tuple(_complete_list(node["assignments"], f"{node['code']} assignments")),
        next_milestone=node.get("nextMilestone"),
        earned_value=node.get("earnedValue"),
        trend=tuple(sorted(node.get("earnedValueTrend") or (), key=lambda point: point["asOf"])),
        activity=tuple(edge["node"] for edge in (node.get("activity") or {"edges": []})["edges"]),
    )


def _read_reports(node: dict) -> tuple[Report, ...]:
    """Published reports, oldest period first, each with a page name unique in the site."""
    nodes = _complete_list(node["statusReports"], f"{node['code']} status reports")
    nodes.sort(key=report_order)
    reports = []
    for report, page_name in zip(nodes, report_page_names(node["code"], nodes), strict=True):
        reports.append(Report(
            page_name=page_name,
            title=report["title"],
            period_start=report["periodStart"],
            period_end=report["periodEnd"],
            summary=report["summary"],
            accomplishments=report["accomplishments"],
            next_steps=report["nextSteps"],
            issues=report["issues"],
            percent_complete=_percent(report["percentComplete"], node["code"]),
            health=_read_health(report["health"], node["code"]),
            published_at=report["publishedAt"],
        ))
    return tuple(reports)


def _read_health(health: dict, code: str) -> dict[str, str]:
    values = {key: health[key] for key, _ in HEALTH_ASPECTS}
    if not all(value in HEALTH_MARKERS for value in values.values()):
        raise ValueError(f"project {code!r} has an unknown status, phase or health")
    return values


def _percent(value: int, code: str) -> int:
    percent = int(value)
    if not 0 <= percent <= 100:
        raise ValueError(f"project {code!r} is {percent}% complete")
    return percent


def _complete_list(connection: dict, what: str) -> list[dict]:
    """The nodes of a one-page connection; a site never shows part of a list as if it were all."""
    nodes = [edge["node"] for edge in connection["edges"]]
    if len(nodes) != connection["totalCount"]:
        raise ValueError(f"snapshot holds {len(nodes)} of {connection['totalCount']} {what}")
    return nodes


def build_epoch(snapshot: dict[str, Any]) -> int:
    """The build date comes from the data (its latest change), so the same data gives the same bytes."""
    stamps = [edge["node"]["updatedAt"] for edge in snapshot["client"]["projects"]["edges"]]
    return int(max(datetime.fromisoformat(stamp) for stamp in stamps).timestamp()) if stamps else 0
