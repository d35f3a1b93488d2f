"""The demo PMO's cast: organizations, people, sites and projects (static names only)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from api.auth.models import Role
from api.organizations.models import ClientSector, OrganizationKind
from api.projects.models import Health, MilestoneKind, ProjectPhase, ProjectStatus
from api.reports.models import ReportCadence

GREEN, AMBER, RED = Health.GREEN, Health.AMBER, Health.RED
MILESTONE, DELIVERABLE = MilestoneKind.MILESTONE, MilestoneKind.DELIVERABLE

DEMO_PMO_SLUG = "northwind-pmo"


@dataclass(frozen=True)
class PersonSpec:
    name: str
    email: str
    title: str
    role: Role
    phone: str | None = None


@dataclass(frozen=True)
class SiteSpec:
    brand_name: str
    time_zone: str
    schedule: str
    accent_color: str


@dataclass(frozen=True)
class OrganizationSpec:
    slug: str
    name: str
    kind: OrganizationKind
    people: tuple[PersonSpec, ...]
    sector: ClientSector | None = None
    site: SiteSpec | None = None


@dataclass(frozen=True)
class ProjectSpec:
    """A project as it stands on `today`; dates are month offsets from `today`."""

    client_slug: str
    code: str
    name: str
    summary: str
    status: ProjectStatus
    phase: ProjectPhase
    starts_in_months: int
    duration_months: int
    budget: Decimal
    financials_shared: bool
    health: tuple[Health, Health, Health, Health, Health]  # overall, schedule, cost, scope, quality
    cadence: ReportCadence
    team: tuple[tuple[str, str], ...]  # (PMO staff email, role); the first is the manager
    milestones: tuple[tuple[MilestoneKind, str], ...]  # in schedule order
    subcontractor: tuple[str, str] | None = None  # (organization slug, role)


PMO = OrganizationSpec(
    slug=DEMO_PMO_SLUG,
    name="Northwind Delivery PMO",
    kind=OrganizationKind.PMO,
    people=(
        PersonSpec("Dana Whitfield", "dana.whitfield@northwind-pmo.example", "Director, Delivery PMO", Role.PMO_ADMIN),
        PersonSpec("Marcus Oyelaran", "marcus.oyelaran@northwind-pmo.example", "Senior Project Manager",
                   Role.PMO_STAFF),
        PersonSpec("Priya Raghunathan", "priya.raghunathan@northwind-pmo.example", "Project Manager", Role.PMO_STAFF),
        PersonSpec("Elena Vasquez-Hart", "elena.vasquez-hart@northwind-pmo.example", "Program Manager", Role.PMO_STAFF),
        PersonSpec("Tom Lindqvist", "tom.lindqvist@northwind-pmo.example", "Project Manager", Role.PMO_STAFF),
        PersonSpec("Samir Haddad", "samir.haddad@northwind-pmo.example", "Senior Business Analyst", Role.PMO_STAFF),
        PersonSpec("Grace Achebe", "grace.achebe@northwind-pmo.example", "Client Experience Lead", Role.PMO_STAFF),
    ),
)

CLIENTS = (
    OrganizationSpec(
        slug="bureau-coastal-resilience",
        name="U.S. Bureau of Coastal Resilience",
        kind=OrganizationKind.CLIENT,
        sector=ClientSector.FEDERAL,
        site=SiteSpec("BCR Program Status", "America/New_York", "0 6 * * 1-5", "#1b4f72"),
        people=(
            PersonSpec("Dr. Helen Marsh", "helen.marsh@bcr.example", "Deputy Director, Grants and Programs",
                       Role.CLIENT_EXECUTIVE, "+1 202 555 0147"),
            PersonSpec("Raymond Tso", "raymond.tso@bcr.example", "Contracting Officer", Role.CLIENT_CONTACT,
                       "+1 202 555 0162"),
            PersonSpec("Alicia Brennan", "alicia.brennan@bcr.example", "Contracting Officer's Representative",
                       Role.CLIENT_CONTACT, "+1 202 555 0118"),
        ),
    ),
    OrganizationSpec(
        slug="sierra-plata-water",
        name="Sierra Plata Department of Water Resources",
        kind=OrganizationKind.CLIENT,
        sector=ClientSector.STATE_LOCAL,
        site=SiteSpec("DWR Modernization Dashboard", "America/Denver", "30 5 * * 1-5", "#0e7c7b"),
        people=(
            PersonSpec("Luis Carrasco", "luis.carrasco@sierraplata-dwr.example", "Chief Information Officer",
                       Role.CLIENT_EXECUTIVE, "+1 505 555 0131"),
            PersonSpec("Janet Okafor", "janet.okafor@sierraplata-dwr.example",
                       "Contracting Officer, Procurement Services", Role.CLIENT_CONTACT, "+1 505 555 0176"),
            PersonSpec("Wes Hollander", "wes.hollander@sierraplata-dwr.example", "IT Project Lead",
                       Role.CLIENT_CONTACT),
        ),
    ),
    OrganizationSpec(
        slug="halcyon-freight",
        name="Halcyon Freight Lines, Inc.",
        kind=OrganizationKind.CLIENT,
        sector=ClientSector.ENTERPRISE,
        site=SiteSpec("Halcyon Transformation Office", "America/Chicago", "0 7 * * 1-5", "#b5452b"),
        people=(
            PersonSpec("Sandra Kim", "sandra.kim@halcyonfreight.example", "VP, Operations Technology",
                       Role.CLIENT_EXECUTIVE, "+1 312 555 0190"),
            PersonSpec("Derek Blaine", "derek.blaine@halcyonfreight.example",
                       "Contracting Officer, Strategic Sourcing", Role.CLIENT_CONTACT),
            PersonSpec("Nadia Petrov", "nadia.petrov@halcyonfreight.example", "Director, Network Planning",
                       Role.CLIENT_CONTACT),
        ),
    ),
    OrganizationSpec(
        slug="bright-harbor-food",
        name="Bright Harbor Food Network",
        kind=OrganizationKind.CLIENT,
        sector=ClientSector.NONPROFIT,
        site=SiteSpec("Bright Harbor Project Updates", "America/Los_Angeles", "0 6 * * 1", "#5b7f2b"),
        people=(
            PersonSpec("Monique Dubois", "monique.dubois@brightharbor.example", "Executive Director",
                       Role.CLIENT_EXECUTIVE, "+1 503 555 0122"),
            PersonSpec("Ben Achterberg", "ben.achterberg@brightharbor.example",
                       "Contracting Officer, Finance and Grants", Role.CLIENT_CONTACT),
        ),
    ),
)

SUBCONTRACTORS = (
    OrganizationSpec(
        slug="tessellate-data",
        name="Tessellate Data Labs LLC",
        kind=OrganizationKind.SUBCONTRACTOR,
        people=(
            PersonSpec("Kenji Watanabe", "kenji.watanabe@tessellate.example", "Engagement Lead", Role.SUBCONTRACTOR),
        ),
    ),
    OrganizationSpec(
        slug="keystone-field",
        name="Keystone Field Services",
        kind=OrganizationKind.SUBCONTRACTOR,
        people=(
            PersonSpec("Rosa Delgado", "rosa.delgado@keystonefield.example", "Field Operations Manager",
                       Role.SUBCONTRACTOR),
        ),
    ),
)

MARCUS, PRIYA = "marcus.oyelaran@northwind-pmo.example", "priya.raghunathan@northwind-pmo.example"
ELENA, TOM = "elena.vasquez-hart@northwind-pmo.example", "tom.lindqvist@northwind-pmo.example"
SAMIR = "samir.haddad@northwind-pmo.example"

PROJECTS = (
    ProjectSpec(
        "bureau-coastal-resilience", "BCR-GMS", "Grants Management System Modernization",
        "Replace the legacy grants tracking system with a cloud case-management platform for 14 regional offices.",
        ProjectStatus.ACTIVE, ProjectPhase.EXECUTION, -14, 24, Decimal("4850000.00"), True,
        (AMBER, AMBER, GREEN, AMBER, GREEN), ReportCadence.WEEKLY,
        ((MARCUS, "Project Manager"), (SAMIR, "Business Analyst")),
        ((MILESTONE, "Requirements baseline approved"), (DELIVERABLE, "System Design Document"),
         (DELIVERABLE, "Data Migration Plan"), (MILESTONE, "Pilot release to two regional offices"),
         (DELIVERABLE, "Training curriculum and job aids"), (MILESTONE, "Nationwide go-live"),
         (DELIVERABLE, "Operations and Maintenance Handbook")),
        ("tessellate-data", "Data migration"),
    ),
    ProjectSpec(
        "bureau-coastal-resilience", "BCR-HAZ", "Coastal Hazard Data Platform",
        "Consolidate tide, erosion and flood-claim data into one governed analytics platform.",
        ProjectStatus.ACTIVE, ProjectPhase.EXECUTION, -8, 17, Decimal("2300000.00"), False,
        (GREEN, GREEN, GREEN, GREEN, GREEN), ReportCadence.MONTHLY,
        ((MARCUS, "Project Manager"),),
        ((MILESTONE, "Data inventory complete"), (DELIVERABLE, "Data Governance Charter"),
         (MILESTONE, "Ingestion pipelines in production"), (DELIVERABLE, "Analyst dashboard release"),
         (MILESTONE, "Platform authority to operate")),
        ("tessellate-data", "Data engineering"),
    ),
    ProjectSpec(
        "bureau-coastal-resilience", "BCR-508", "Section 508 Accessibility Remediation",
        "Audit and remediate the Bureau's public web forms and PDFs to WCAG 2.1 AA.",
        ProjectStatus.CLOSED, ProjectPhase.CLOSEOUT, -13, 11, Decimal("640000.00"), True,
        (GREEN, GREEN, GREEN, GREEN, GREEN), ReportCadence.MONTHLY,
        ((PRIYA, "Project Manager"),),
        ((DELIVERABLE, "Accessibility audit report"), (MILESTONE, "High-traffic forms remediated"),
         (DELIVERABLE, "PDF remediation batch"), (MILESTONE, "Final conformance review")),
    ),
    ProjectSpec(
        "sierra-plata-water", "DWR-PERMIT", "Water Rights Permitting Portal",
        "An online portal for water-rights applications, payments and public notices, replacing paper filing.",
        ProjectStatus.ACTIVE, ProjectPhase.EXECUTION, -10, 16, Decimal("1750000.00"), True,
        (RED, RED, AMBER, AMBER, GREEN), ReportCadence.WEEKLY,
        ((PRIYA, "Project Manager"), (SAMIR, "Business Analyst")),
        ((MILESTONE, "Business rules workshop sign-off"), (DELIVERABLE, "Portal Requirements Specification"),
         (MILESTONE, "Payment gateway integration"), (DELIVERABLE, "User Acceptance Test Plan"),
         (MILESTONE, "Public launch"), (DELIVERABLE, "Knowledge transfer package")),
        ("keystone-field", "Records digitization"),
    ),
    ProjectSpec(
        "sierra-plata-water", "DWR-TELEM", "Reservoir Telemetry Upgrade",
        "Replace end-of-life sensors and radios at 22 reservoirs and stream gauges.",
        ProjectStatus.ON_HOLD, ProjectPhase.EXECUTION, -6, 14, Decimal("980000.00"), False,
        (AMBER, RED, GREEN, AMBER, GREEN), ReportCadence.MONTHLY,
        ((PRIYA, "Project Manager"),),
        ((DELIVERABLE, "Site survey report"), (MILESTONE, "Pilot sites commissioned"),
         (MILESTONE, "Northern basin sites commissioned"), (DELIVERABLE, "As-built documentation")),
        ("keystone-field", "Field installation"),
    ),
    ProjectSpec(
        "sierra-plata-water", "DWR-OCM", "ERP Go-Live Change Management",
        "Organizational change management and training for the Department's move to the statewide ERP.",
        ProjectStatus.PLANNED, ProjectPhase.PLANNING, 1, 12, Decimal("420000.00"), True,
        (GREEN, GREEN, GREEN, GREEN, GREEN), ReportCadence.MONTHLY,
        ((TOM, "Project Manager"),),
        ((DELIVERABLE, "Change impact assessment"), (DELIVERABLE, "Training plan"),
         (MILESTONE, "Go-live readiness review")),
    ),
    ProjectSpec(
        "halcyon-freight", "HFL-TMS", "Transportation Management System Rollout",
        "Roll out the new TMS to dispatch, billing and 40 terminals, with carrier and customer integrations.",
        ProjectStatus.ACTIVE, ProjectPhase.EXECUTION, -16, 21, Decimal("3200000.00"), True,
        (GREEN, GREEN, AMBER, GREEN, GREEN), ReportCadence.WEEKLY,
        ((ELENA, "Program Manager"), (SAMIR, "Business Analyst")),
        ((MILESTONE, "Solution blueprint approved"), (DELIVERABLE, "Integration Design Specification"),
         (MILESTONE, "Midwest region cutover"), (DELIVERABLE, "Dispatcher training program"),
         (MILESTONE, "Southeast region cutover"), (MILESTONE, "West region cutover"),
         (DELIVERABLE, "Hypercare exit report")),
        ("tessellate-data", "Integration development"),
    ),
    ProjectSpec(
        "halcyon-freight", "HFL-EPMO", "Enterprise PMO Stand-up",
        "Stand up Halcyon's enterprise PMO: intake, portfolio governance and standard reporting.",
        ProjectStatus.ACTIVE, ProjectPhase.PLANNING, -3, 12, Decimal("560000.00"), False,
        (GREEN, GREEN, GREEN, AMBER, GREEN), ReportCadence.MONTHLY,
        ((ELENA, "Program Manager"),),
        ((DELIVERABLE, "Current-state assessment"), (MILESTONE, "Governance model approved"),
         (DELIVERABLE, "Portfolio reporting templates"), (MILESTONE, "First portfolio review board")),
    ),
    ProjectSpec(
        "halcyon-freight", "HFL-EDI", "Carrier EDI Integration",
        "Onboard 120 carriers to EDI 204/214/210 messaging and retire e-mailed load tenders.",
        ProjectStatus.CLOSED, ProjectPhase.CLOSEOUT, -11, 10, Decimal("890000.00"), True,
        (AMBER, GREEN, GREEN, GREEN, AMBER), ReportCadence.MONTHLY,
        ((TOM, "Project Manager"),),
        ((DELIVERABLE, "EDI mapping specifications"), (MILESTONE, "First 30 carriers live"),
         (MILESTONE, "All priority carriers live"), (DELIVERABLE, "Support runbook and handover")),
        ("tessellate-data", "EDI mapping"),
    ),
    ProjectSpec(
        "bright-harbor-food", "BHFN-CRM", "Donor and Volunteer CRM Implementation",
        "Implement one CRM for donors, volunteers and partner pantries, with gift-aid and shift scheduling.",
        ProjectStatus.ACTIVE, ProjectPhase.EXECUTION, -7, 12, Decimal("380000.00"), True,
        (AMBER, GREEN, GREEN, AMBER, GREEN), ReportCadence.WEEKLY,
        ((TOM, "Project Manager"),),
        ((DELIVERABLE, "Data cleansing report"), (MILESTONE, "Donor module live"),
         (DELIVERABLE, "Volunteer portal"), (MILESTONE, "Legacy database retired")),
    ),
    ProjectSpec(
        "bright-harbor-food", "BHFN-ROUTE", "Pantry Delivery Route Optimization",
        "Optimize weekly delivery routes to 65 partner pantries with the existing fleet.",
        ProjectStatus.ACTIVE, ProjectPhase.INITIATION, -1, 8, Decimal("210000.00"), False,
        (GREEN, GREEN, GREEN, GREEN, GREEN), ReportCadence.WEEKLY,
        ((TOM, "Project Manager"), (SAMIR, "Business Analyst")),
        ((DELIVERABLE, "Route baseline analysis"), (MILESTONE, "Optimization pilot"),
         (DELIVERABLE, "Dispatcher playbook")),
        ("keystone-field", "Fleet telematics"),
    ),
)
