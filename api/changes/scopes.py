"""Which clients' visible data a row of each mapped class can change: the table the data-version listener reads.

Every mapped class has an entry (a test enforces it). A scope takes the connection of the flush and the rows it
wrote, and names the clients they touch; EVERY means each client. A row's previous values count as well as its
new ones, so a milestone moved between projects touches both clients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, inspect, select

from api.activity.models import Activity, Audience
from api.audit.models import AuditEvent
from api.auth.models import ApiToken, Membership, User
from api.changes.models import ClientDataVersion, OutboxEvent, Reaction
from api.comments.models import Comment, CommentRevision
from api.cx.action_items.models import ActionItem
from api.cx.feedback.models import Feedback
from api.cx.mystery_shops.models import MysteryShop
from api.cx.surveys.models import SurveyInvitation
from api.delivery.models import Delivery, NotificationPreference
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import ActualCost, Assignment, Milestone, MilestoneProgress, Project, Risk, Visibility
from api.reports.models import ReportState, StatusReport
from api.sites.models import Site, SiteBuild
from api.update_requests.models import UpdateRequest, UpdateRequestItem
from api.webhooks.models import WebhookEndpoint, WebhookSecret


@dataclass
class Touched:
    """The clients a flush changed for: some by id, or every one."""

    client_ids: set[int] = field(default_factory=set)
    every: bool = False

    def add(self, other: Touched) -> None:
        self.client_ids |= other.client_ids
        self.every = self.every or other.every


EVERY = Touched(every=True)
Resolve = Callable[[Connection, Sequence[object]], Touched]


@dataclass(frozen=True)
class Scope:
    """How rows of one class map to clients; `shown` limits which attributes' changes count (None: all of them)."""

    resolve: Resolve
    shown: frozenset[str] | None = None


def values(connection: Connection, rows: Iterable[object], attribute: str) -> set[int]:
    """The attribute's current and previous values over `rows`, None left out; read from the row when unloaded."""
    found: set[int] = set()
    for row in rows:
        state = inspect(row)
        if attribute not in state.dict and state.identity is not None:
            mapper = state.mapper
            column = mapper.columns[attribute]
            (key,) = state.identity
            found.update(v for v in connection.scalars(select(column).where(mapper.primary_key[0] == key))
                         if v is not None)
        history = state.attrs[attribute].history
        found.update(v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None)
    return found


def seen_when(attribute: str, shown: Iterable[object], resolve: Resolve) -> Resolve:
    """Only rows the client can see count: those whose `attribute` is, or was, one of `shown` (a risk made
    internal leaves the client's site, so the change before counts as well as the one after)."""
    visible = frozenset(shown)

    def resolve_shown(connection: Connection, rows: Sequence[object]) -> Touched:
        seen = [row for row in rows if _values_of(row, attribute) & visible]
        return resolve(connection, seen) if seen else Touched()
    return resolve_shown


def _values_of(row: object, attribute: str) -> set[object]:
    history = inspect(row).attrs[attribute].history
    return {*history.added, *history.unchanged, *history.deleted}


def nobody(_connection: Connection, _rows: Sequence[object]) -> Touched:
    """Rows no client sees (the audit trail, credentials, build records, the seam's own bookkeeping)."""
    return Touched()


def by_client(attribute: str) -> Resolve:
    """Rows that name their client in `attribute`."""
    return lambda connection, rows: Touched(values(connection, rows, attribute))


def by_project(attribute: str = "project_id") -> Resolve:
    """Rows that belong to a project, and so to its client."""
    return lambda connection, rows: Touched(_clients_of_projects(connection, values(connection, rows, attribute)))


def _clients_of_projects(connection: Connection, project_ids: set[int]) -> set[int]:
    if not project_ids:
        return set()
    return set(connection.scalars(select(Project.client_id).where(Project.id.in_(project_ids))))


def _clients_of_people(connection: Connection, user_ids: set[int]) -> set[int]:
    """Clients whose sites can show these people: as a project's manager, in its team, or as the client's own."""
    if not user_ids:
        return set()
    managed = select(Project.client_id).where(Project.manager_id.in_(user_ids))
    assigned = select(Project.client_id).join(Assignment, Assignment.project_id == Project.id).where(
        Assignment.user_id.in_(user_ids))
    own = select(Organization.id).join(Membership, Membership.organization_id == Organization.id).where(
        Membership.user_id.in_(user_ids), Organization.kind == OrganizationKind.CLIENT)
    return {client_id for statement in (managed, assigned, own) for client_id in connection.scalars(statement)}


def _clients_of_organizations(connection: Connection, organization_ids: set[int]) -> Touched:
    """A client is its own; a subcontractor touches the clients it works for; the PMO touches every client."""
    if not organization_ids:
        return Touched()
    kinds = dict(connection.execute(
        select(Organization.id, Organization.kind).where(Organization.id.in_(organization_ids))).all())
    if OrganizationKind.PMO in kinds.values():
        return EVERY
    clients = {org_id for org_id, kind in kinds.items() if kind is OrganizationKind.CLIENT}
    # A client deleted in this flush no longer has a row; its id still names the client it was.
    clients |= organization_ids - kinds.keys()
    subcontractors = {org_id for org_id, kind in kinds.items() if kind is OrganizationKind.SUBCONTRACTOR}
    if subcontractors:
        clients |= set(connection.scalars(select(Project.client_id).join(
            Assignment, Assignment.project_id == Project.id).where(Assignment.organization_id.in_(subcontractors))))
    return Touched(clients)


def organizations(connection: Connection, rows: Sequence[object]) -> Touched:
    return _clients_of_organizations(connection, values(connection, rows, "id"))


def people(connection: Connection, rows: Sequence[object]) -> Touched:
    return Touched(_clients_of_people(connection, values(connection, rows, "id")))


def memberships(connection: Connection, rows: Sequence[object]) -> Touched:
    """A client's own people are on its site; anyone else's membership matters where they appear."""
    touched = Touched(_clients_of_people(connection, values(connection, rows, "user_id")))
    client_orgs = values(connection, rows, "organization_id")
    if client_orgs:
        touched.client_ids |= set(connection.scalars(select(Organization.id).where(
            Organization.id.in_(client_orgs), Organization.kind == OrganizationKind.CLIENT)))
    return touched


# What a site build shows of the site's own settings, or whether it is built at all; the rest is bookkeeping
# (schedule, what is live, the next build's time) that builds themselves write.
SITE_SHOWN = frozenset({"enabled", "brand_name", "accent_color", "logo_url", "site_key", "time_zone"})

SCOPES: dict[type, Scope] = {
    Organization: Scope(organizations),
    User: Scope(people),
    Membership: Scope(memberships),
    Project: Scope(by_client("client_id")),
    Assignment: Scope(by_project()),
    Milestone: Scope(by_project()),
    MilestoneProgress: Scope(by_project()),  # earned value to date, on the site's executive pages
    ActualCost: Scope(by_project()),
    Risk: Scope(seen_when("visibility", [Visibility.CLIENT], by_project())),
    StatusReport: Scope(seen_when("state", [ReportState.PUBLISHED], by_project())),
    Feedback: Scope(by_client("client_id")),
    # Clients see their invitations as the CX summary's response rate, and a site shows its site-wide links.
    SurveyInvitation: Scope(by_client("client_id")),
    ActionItem: Scope(seen_when("client_visible", [True], by_client("client_id"))),
    MysteryShop: Scope(by_client("client_id")),
    Site: Scope(by_client("client_id"), shown=SITE_SHOWN),
    SiteBuild: Scope(nobody),
    AuditEvent: Scope(nobody),
    ApiToken: Scope(nobody),
    OutboxEvent: Scope(nobody),
    Reaction: Scope(nobody),
    ClientDataVersion: Scope(nobody),
    Delivery: Scope(nobody),  # a record of what was sent: no page shows it
    NotificationPreference: Scope(nobody),  # a person's own choice of mail: no page shows it
    Comment: Scope(by_project("project_id")),  # read through the API, whose answers the version keys
    CommentRevision: Scope(nobody),
    UpdateRequest: Scope(by_client("client_id")),  # read through the API by staff and the person asked
    UpdateRequestItem: Scope(nobody),  # written only with its request  # written only beside a change to its comment
    # Made by a reaction after the change it tells of: the client's sites show its CLIENT lines.
    Activity: Scope(seen_when("audience", [Audience.CLIENT], by_client("client_id"))),
    WebhookEndpoint: Scope(nobody),  # an integrator's settings: no page shows them
    WebhookSecret: Scope(nobody),
}


def touched_by_bulk(entity: type, declared: Iterable[int] | None) -> Touched:
    """What a bulk UPDATE or DELETE on `entity` touches: the clients it declares (execution option
    `touches_clients`), or every client when it declares none, since its rows are not known."""
    if SCOPES[entity].resolve is nobody:
        return Touched()
    return EVERY if declared is None else Touched(set(declared))
