"""A site's feeds: feed.xml (Atom, the published status reports) and milestones.ics (iCalendar, every milestone
at its forecast date). Both come from the same snapshot as the pages, so they show exactly what the client may
see, and both are stamped from the data, never the clock, so the same data gives the same bytes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event

from sitegen.content import STATUS_LABELS, Project

# Characters XML 1.0 cannot hold (control characters); the pages show such text escaped, a feed drops them.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FEED_FILE = "feed.xml"
CALENDAR_FILE = "milestones.ics"
FEED_TYPE = "application/atom+xml"
MILESTONE_STATUS = {"PLANNED": "planned", "IN_PROGRESS": "in progress", "SUBMITTED": "submitted for acceptance",
                    "ACCEPTED": "accepted", "REJECTED": "rejected"}


def _address(site_url: str | None, path: str) -> str:
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def report_feed(*, client_name: str, client_slug: str, projects: list[Project], site_url: str | None,
                built_at: datetime) -> bytes:
    """The Atom feed of every published report, newest first."""
    feed = FeedGenerator()
    feed.id(f"urn:rapport:site:{client_slug}:reports")
    feed.title(_text(f"{client_name}: status reports"))
    feed.author({"name": _text(client_name)})
    feed.link(href=_address(site_url, FEED_FILE), rel="self", type=FEED_TYPE)
    feed.link(href=_address(site_url, "index.html"), rel="alternate", type="text/html")
    feed.language("en")
    reports = sorted(((project, report) for project in projects for report in project.reports),
                     key=lambda pair: (pair[1].published_at or "", pair[1].page_name))
    feed.updated(_moment(reports[-1][1].published_at) if reports else built_at)
    for project, report in reports:
        entry = feed.add_entry(order="prepend")
        entry.id(f"urn:rapport:site:{client_slug}:report:{report.page_name}")
        entry.title(_text(f"{project.code}: {report.title}"))
        entry.link(href=_address(site_url, f"reports/{report.page_name}.html"), rel="alternate", type="text/html")
        moment = _moment(report.published_at) if report.published_at else built_at
        entry.published(moment)
        entry.updated(moment)
        entry.summary(_text(f"{report.period_start} to {report.period_end}. {report.summary}".strip()))
    return feed.atom_str(pretty=True)


def milestone_calendar(*, client_name: str, projects: list[Project], built_at: datetime) -> bytes:
    """Every milestone and deliverable as an all-day event on its forecast date, one stable UID each."""
    calendar = Calendar()
    calendar.add("prodid", "-//Rapport//Client milestones//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _text(f"{client_name}: milestones"))
    for project in projects:
        for milestone in project.milestones:
            event = Event()
            event.add("uid", f"{milestone['id']}@rapport")
            event.add("dtstamp", built_at)
            day = date.fromisoformat(milestone["forecastDate"])
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", _text(f"{project.code}: {milestone['name']}"))
            event.add("description", _text(_described(project, milestone)))
            event.add("status", "CONFIRMED" if milestone["status"] == "ACCEPTED" else "TENTATIVE")
            event.add("categories", [milestone["kind"].capitalize()])
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()


def _described(project: Project, milestone: dict) -> str:
    lines = [f"{project.name} ({STATUS_LABELS.get(project.status, project.status)})",
             f"Status: {MILESTONE_STATUS.get(milestone['status'], milestone['status'])}",
             f"Baseline: {milestone['baselineDate']}", f"Forecast: {milestone['forecastDate']}"]
    if milestone.get("completedDate"):
        lines.append(f"Completed: {milestone['completedDate']}")
    return "\n".join(lines)


def _text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _moment(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
