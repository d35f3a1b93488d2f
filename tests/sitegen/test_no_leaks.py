"""No published site shows anything internal, or anything of another client."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api.activity.models import Activity, Audience
from api.auth.models import Role
from api.changes.models import OutboxEvent
from api.comments.models import Comment
from api.cx.action_items.models import ActionItemStatus
from api.cx.models import Touchpoint
from api.database import upgrade_database
from api.kit.database import create_engine, create_session_factory
from api.projects.models import ActualCost, Visibility
from api.reports.models import ReportState
from api.sites.models import BuildState
from sitegen import foreground, pipeline
from tests.fixtures.auth import settings_for
from tests.fixtures.factories import (
    make_action_item,
    make_client,
    make_feedback,
    make_invitation,
    make_milestone,
    make_mystery_shop,
    make_project,
    make_risk,
    make_status_report,
    make_user,
)

SURVEY_PAGES = "http://127.0.0.1:8000/s/"  # the API's own survey pages, at the default public URL

INTERNAL_CANARIES = (
    "CANARY-NOTES-7731", "CANARY-RISK-TITLE-7732", "CANARY-RISK-TEXT-7733", "CANARY-SHOP-NOTES-7734",
    "CANARY-SHOP-CRITERION-7735", "CANARY-RESPONDENT-7736", "987654321", "987,654,321", "CANARY-TOKEN-7737",
    "CANARY-HIDDEN-ACTION-7738", "CANARY-HIDDEN-SAID-7739", "CANARY-HIDDEN-DID-7740", "CANARY-DRAFT-TITLE-7741",
    "CANARY-DRAFT-SUMMARY-7742", "CANARY-DRAFT-NEXT-7743",
    # The unshared project's earned value, actual cost and estimate at completion, in any format.
    "493827", "493,827", "123456", "123,456", "246913", "246,913",
    # Comments (a site shows none, whatever their audience) and the activity of TEAM and PMO audiences.
    "CANARY-CLIENT-COMMENT-7744", "CANARY-TEAM-COMMENT-7745", "CANARY-PMO-COMMENT-7746", "CANARY-TEAM-ACTIVITY-7747",
    "CANARY-PMO-ACTIVITY-7748", "CANARY-OLD-ACTIVITY-7749",
)
ALPHA_NAME, BRAVO_NAME = "Alpha Water Board", "Bravo Canary Transit ZQX"
BRAVO_CANARIES = (BRAVO_NAME, "ZQX-PROJECT", "ZQX-SUMMARY", "ZQX-REPORT", "ZQX-RISK", "ZQX-MILESTONE", "ZQX-ACTION")


async def _seed(url: str) -> None:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        alpha = await make_client(session, slug="alpha", name=ALPHA_NAME)
        bravo = await make_client(session, slug="bravo", name=BRAVO_NAME)
        await _seed_alpha(session, alpha)
        await _seed_bravo(session, bravo)
        await session.commit()
    await engine.dispose()


async def _seed_alpha(session, alpha) -> None:
    shared = await make_project(session, client=alpha, code="AW-1", name="Meter Replacement", financials_shared=True)
    hidden = await make_project(session, client=alpha, code="AW-2", name="Reservoir Survey", financials_shared=False,
                                budget_at_completion=Decimal("987654321.12"), actual_cost=Decimal("987654321.12"))
    for project in (shared, hidden):
        await make_status_report(session, project=project, state=ReportState.PUBLISHED,
                                 internal_notes="CANARY-NOTES-7731", summary="Meters arriving.")
        await make_status_report(session, project=project, state=ReportState.DRAFT, title="CANARY-DRAFT-TITLE-7741",
                                 summary="CANARY-DRAFT-SUMMARY-7742", next_steps="CANARY-DRAFT-NEXT-7743",
                                 internal_notes="CANARY-NOTES-7731", period_start=date(2026, 4, 1),
                                 period_end=date(2026, 4, 30))
        await make_milestone(session, project=project, planned_value=project.budget_at_completion)
        if project is hidden:
            session.add(ActualCost(project_id=hidden.id, period_end=date(2026, 2, 28), amount=Decimal("123456789.01")))
        await make_risk(session, project=project, title="Pipe supply", description="Lead times are long.")
        await _seed_conversation(session, project)
        await make_risk(session, project=project, visibility=Visibility.INTERNAL, title="CANARY-RISK-TITLE-7732",
                        description="CANARY-RISK-TEXT-7733", mitigation="CANARY-RISK-TEXT-7733")
    await make_mystery_shop(session, client=alpha, notes="CANARY-SHOP-NOTES-7734",
                            criteria=[{"criterion": "CANARY-SHOP-CRITERION-7735", "score": 4, "max_score": 5,
                                       "note": "CANARY-SHOP-NOTES-7734"}])
    respondent = await make_user(session, organization=alpha, role=Role.CLIENT_CONTACT, name="CANARY-RESPONDENT-7736")
    # The satisfaction trend covers the twelve months up to today: answer yesterday so one month has a figure.
    answered = datetime.now(UTC) - timedelta(days=1)
    for number in range(6):
        invitation = await make_invitation(session, client=alpha, token_id=f"CANARY-TOKEN-7737-{number}")
        await make_feedback(session, client=alpha, respondent_id=respondent.id, invitation_id=invitation.id,
                            submitted_at=answered)
    done = datetime(2026, 3, 20, 9, tzinfo=UTC)
    await make_action_item(session, client=alpha, title="Shorter reports", you_said="Reports are long.",
                           we_did="We cut them to two pages.", status=ActionItemStatus.DONE, completed_at=done)
    await make_action_item(session, client=alpha, title="CANARY-HIDDEN-ACTION-7738", you_said="CANARY-HIDDEN-SAID-7739",
                           we_did="CANARY-HIDDEN-DID-7740", status=ActionItemStatus.DONE, completed_at=done,
                           client_visible=False)


async def _seed_conversation(session, project) -> None:
    """Comments in every audience, and activity for each audience, one line of it older than the site shows."""
    milestone = await make_milestone(session, project=project, name="Meters delivered")
    now = datetime.now(UTC)
    for audience in Audience:
        session.add(Comment(client_id=project.client_id, project_id=project.id, subject_type="Milestone",
                            subject_id=milestone.id, audience=audience, body=f"CANARY-{audience.value}-COMMENT-"
                            f"{7744 + list(Audience).index(audience)}", created_at=now))
    lines = [(Audience.CLIENT, f"{project.code} meters delivered to the depot", now - timedelta(hours=2)),
             (Audience.TEAM, "CANARY-TEAM-ACTIVITY-7747", now - timedelta(hours=1)),
             (Audience.PMO, "CANARY-PMO-ACTIVITY-7748", now),
             (Audience.CLIENT, "CANARY-OLD-ACTIVITY-7749", now - timedelta(days=40))]
    for audience, summary, when in lines:
        event = OutboxEvent(kind="MilestoneChanged", client_id=project.client_id, payload={}, occurred_at=when,
                            dispatched_at=when)
        session.add(event)
        await session.flush()
        session.add(Activity(event_id=event.id, kind="MilestoneChanged", client_id=project.client_id,
                             project_id=project.id, subject_type="Milestone", subject_id=milestone.id,
                             summary=summary, audience=audience, occurred_at=when))
    await session.flush()


async def _seed_bravo(session, bravo) -> None:
    project = await make_project(session, client=bravo, code="BT-1", name="ZQX-PROJECT Signals",
                                 summary="ZQX-SUMMARY", financials_shared=True)
    await make_status_report(session, project=project, state=ReportState.PUBLISHED, title="ZQX-REPORT",
                             summary="ZQX-SUMMARY")
    await make_milestone(session, project=project, name="ZQX-MILESTONE")
    await make_risk(session, project=project, title="ZQX-RISK", description="ZQX-RISK")
    await make_action_item(session, client=bravo, title="ZQX-ACTION", you_said="ZQX-ACTION", we_did="ZQX-ACTION",
                           status=ActionItemStatus.DONE, completed_at=datetime(2026, 3, 20, 9, tzinfo=UTC))


class _Links(HTMLParser):
    """The src and href values of one page, and whether it carries the privacy meta tags."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.metas: set[tuple[str, str]] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.urls += [values[key] for key in ("src", "href") if key in values]
        if tag == "meta" and "name" in values:
            self.metas.add((values["name"], values.get("content", "")))


@pytest.fixture
def published(fresh_database_url: str, tmp_path: Path) -> dict[str, Path]:
    url, folder = fresh_database_url, tmp_path
    upgrade_database(url)
    asyncio.run(_seed(url))

    async def run() -> list[pipeline.BuildOutcome]:
        engine = create_engine(url)
        try:
            return await foreground.build_sites(create_session_factory(engine), settings=settings_for(url, folder))
        finally:
            await engine.dispose()

    outcomes = asyncio.run(run())
    assert [(o.slug, o.state) for o in outcomes] == [("alpha", BuildState.PUBLISHED),
                                                      ("bravo", BuildState.PUBLISHED)]
    return {o.slug: folder / "sites" / o.site_path for o in outcomes}


def _files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_the_sites_show_what_the_client_may_see(published):
    alpha = _files(published["alpha"])
    assert "Meter Replacement" in alpha["index.html"] and "Reservoir Survey" in alpha["index.html"]
    assert "We cut them to two pages." in alpha["you-said-we-did.html"]
    assert re.search(r'<tr><th scope="row">\w+ \d{4}</th><td>6</td><td>100\.0%</td></tr>', alpha["you-said-we-did.html"])
    assert "Pipe supply" in alpha["projects/aw-1.html"] and "Budget" in alpha["projects/aw-1.html"]
    assert 'id="budget"' not in alpha["projects/aw-2.html"]
    assert [name for name in alpha if name.startswith("reports/")] == ["reports/aw-1-2026-03-31.html",
                                                                     "reports/aw-2-2026-03-31.html"]
    assert "ZQX-PROJECT Signals" in _files(published["bravo"])["index.html"]
    for code in ("AW-1", "AW-2"):
        assert f"{code} meters delivered to the depot" in alpha[f"projects/{code.lower()}.html"]
        assert f'<a href="projects/{code.lower()}.html">{code}</a>: {code} meters delivered' in alpha["index.html"]


def test_no_file_holds_anything_internal_or_another_clients(published):
    forbidden = {"alpha": INTERNAL_CANARIES + BRAVO_CANARIES, "bravo": INTERNAL_CANARIES + (ALPHA_NAME,)}
    for slug, site in published.items():
        files = _files(site)
        assert {"feed.xml", "milestones.ics"} <= set(files)  # the feeds are read like every page
        for name, text in files.items():
            found = [canary for canary in forbidden[slug] if canary.casefold() in text.casefold()]
            assert not found, f"{slug}/{name} holds {found}"


def test_every_page_is_private_and_links_to_no_other_host(published):
    for slug, site in published.items():
        pages = sorted(site.rglob("*.html"))
        assert len(pages) >= 4, slug
        for page in pages:
            scan = _Links(page.read_text(encoding="utf-8"))
            assert {("robots", "noindex, nofollow"), ("referrer", "no-referrer")} <= scan.metas, page
            outside = [u for u in scan.urls if re.match(r"(?i)(https?:)?//", u) and not u.startswith(SURVEY_PAGES)]
            assert not outside, page


def test_the_feedback_page_links_every_touchpoint_to_rapports_survey_page(published):
    for slug, site in published.items():
        scan = _Links((site / "feedback.html").read_text(encoding="utf-8"))
        surveys = [u for u in scan.urls if u.startswith(SURVEY_PAGES)]
        assert len(surveys) == len(Touchpoint), slug
