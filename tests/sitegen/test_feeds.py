"""feed.xml and milestones.ics on every microsite: read back by feedparser and icalendar, linked from the
home page, and the same bytes from the same data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from tests.sitegen.snapshots import EPOCH, built_site, transit_snapshot


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory, transit_snapshot())


def _reports(snapshot: dict) -> list[tuple[str, dict]]:
    return [(edge["node"]["code"], report["node"]) for edge in snapshot["client"]["projects"]["edges"]
            for report in edge["node"]["statusReports"]["edges"]]


def _milestones(snapshot: dict) -> list[tuple[str, dict]]:
    return [(edge["node"]["code"], m["node"]) for edge in snapshot["client"]["projects"]["edges"]
            for m in edge["node"]["milestones"]["edges"]]


def test_the_feed_lists_every_published_report_newest_first_with_a_link_to_its_page(site: Path) -> None:
    snapshot = transit_snapshot()
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == f"{snapshot['client']['name']}: status reports"
    reports = _reports(snapshot)
    assert len(feed.entries) == len(reports) > 0
    assert {entry.title for entry in feed.entries} == {f"{code}: {r['title']}" for code, r in reports}
    published = [entry.published_parsed for entry in feed.entries]
    assert published == sorted(published, reverse=True)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    for entry in feed.entries:
        assert (site / entry.link).is_file(), entry.link


def test_the_calendar_holds_every_milestone_on_its_forecast_date_with_a_stable_uid(site: Path) -> None:
    calendar = Calendar.from_ical((site / "milestones.ics").read_bytes())
    events = calendar.walk("VEVENT")
    milestones = _milestones(transit_snapshot())
    assert len(events) == len(milestones) > 0
    by_uid = {str(event["UID"]): event for event in events}
    for code, milestone in milestones:
        event = by_uid[f"{milestone['id']}@rapport"]
        assert str(event["SUMMARY"]) == f"{code}: {milestone['name']}"
        assert event.decoded("DTSTART") == date.fromisoformat(milestone["forecastDate"])
        assert str(event["STATUS"]) == ("CONFIRMED" if milestone["status"] == "ACCEPTED" else "TENTATIVE")
        assert int(event.decoded("DTSTAMP").timestamp()) == EPOCH


def test_the_home_page_links_both_and_names_the_feed_for_feed_readers(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" href="feed.xml"' in home
    assert 'href="feed.xml"' in home and 'href="milestones.ics"' in home


def test_the_same_data_gives_the_same_feed_and_calendar_bytes(site: Path,
                                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    again = built_site(tmp_path_factory, transit_snapshot())
    for name in ("feed.xml", "milestones.ics"):
        assert (again / name).read_bytes() == (site / name).read_bytes()
