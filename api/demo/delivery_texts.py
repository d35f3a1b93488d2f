"""The demo PMO's delivery wording: milestone descriptions, the risk register and report lines."""

from __future__ import annotations

from api.projects.models import Health, MilestoneKind

MILESTONE_DESCRIPTIONS = {
    MilestoneKind.MILESTONE: (
        "Tracked in the integrated master schedule; confirmed by {executive} at the steering committee."
    ),
    MilestoneKind.DELIVERABLE: "Contract deliverable, submitted to {contracting_officer} for formal acceptance.",
}

# (title, description, mitigation)
CLIENT_RISKS = (
    ("Key client reviewers unavailable during review windows",
     "Deliverable reviews depend on three client reviewers who also support budget season.",
     "Review calendar agreed two months ahead; alternates named for each reviewer."),
    ("Legacy data quality lower than assumed",
     "Sample extracts show duplicate and incomplete records above the 2% planning assumption.",
     "Cleansing rules agreed with data owners; weekly exception report to the client lead."),
    ("Security authorization timeline",
     "The authority to operate depends on an assessment slot the client's security office has not yet confirmed.",
     "Assessment package prepared early; slot requested through the CIO's office."),
    ("Scope growth from new reporting requests",
     "Program offices keep adding report requests that were not in the baselined requirements.",
     "Requests routed through change control; monthly prioritization with the client executive."),
    ("Interface partner readiness",
     "A third-party system the solution integrates with has not published its final interface specification.",
     "Interface stubbed against the draft specification; joint test window reserved."),
    ("End-user adoption",
     "Field staff have had little exposure to the new process and may keep using workarounds.",
     "Change champions in every office; adoption metrics in each status report."),
    ("Procurement lead time for hardware",
     "Equipment lead times have grown from six to eleven weeks.",
     "Long-lead items ordered at design approval; alternates pre-qualified."),
    ("Funding continuity at fiscal year-end",
     "Option-year funding has not yet been obligated.",
     "Spend plan shared with the contracting officer; work sequenced to protect critical path."),
)

INTERNAL_RISKS = (
    ("Senior developer may roll off",
     "Our lead developer is a candidate for another engagement next quarter.",
     "Pairing a second developer on the integration layer; knowledge-transfer sessions booked."),
    ("Subcontractor invoice timing",
     "Subcontractor invoices arrive late, which delays our own invoice to the client.",
     "Invoice cut-off moved to the 25th; weekly check with the subcontractor's finance lead."),
    ("Estimate confidence on the reporting module",
     "The reporting module was estimated before the data model was final.",
     "Re-estimate after the data model review; contingency held at program level."),
    ("Thin bench for accessibility testing",
     "Only one certified accessibility tester is available across the portfolio.",
     "Second tester in training; automated checks run on every build."),
    ("Client relationship concentrated in one person",
     "Most decisions flow through a single client contact; absence would stall approvals.",
     "Build relationships with the deputy program manager; propose a delegate for approvals."),
)

# (title, description, mitigation)
ISSUES = (
    ("Test environment unavailable",
     "The client-hosted test environment has been down intermittently, blocking integration testing.",
     "Escalated to the client's infrastructure team; daily check-in until stable."),
    ("Acceptance criteria disputed",
     "The client and the team read two acceptance criteria differently.",
     "Joint walkthrough held; clarified criteria captured in the requirements traceability matrix."),
    ("Data migration defects",
     "The second trial migration produced reconciliation differences in financial records.",
     "Root cause traced to currency rounding; fix in the next trial migration."),
    ("Delayed client sign-off",
     "Sign-off on the design is three weeks overdue, holding up the build of dependent features.",
     "Raised at steering committee; interim approval requested for the unaffected features."),
)

SUMMARIES = {
    Health.GREEN: (
        "{project} is on track at {percent}% complete. Work this period focused on {next_item}, "
        "forecast for {next_date}.",
        "Steady progress on {project}: {percent}% complete, no open issues needing client decisions. "
        "Next up is {next_item} ({next_date}).",
        "{project} remains on schedule and within budget at {percent}% complete.",
    ),
    Health.AMBER: (
        "{project} is {percent}% complete with some schedule pressure; {next_item} is forecast for {next_date} "
        "and the team is working to hold that date.",
        "{project} is at {percent}% complete. Open items need attention this period to protect {next_item} "
        "({next_date}).",
    ),
    Health.RED: (
        "{project} is behind plan at {percent}% complete. {next_item} has moved to {next_date}; a recovery plan "
        "is with the client for approval.",
        "{project} needs a client decision this period to recover the schedule; {percent}% complete, with "
        "{next_item} now forecast for {next_date}.",
    ),
}

ON_HOLD_SUMMARY = (
    "{project} is on hold at {percent}% complete pending the client's funding decision; the team has "
    "demobilized field work and is keeping the documentation current."
)

ACCOMPLISHMENTS = (
    "Held the weekly working session with the client's product owner.",
    "Closed 14 of 17 defects raised in the last test cycle.",
    "Completed configuration of the approval workflows.",
    "Ran two training sessions for super-users.",
    "Updated the integrated master schedule and shared it with the client.",
    "Completed the data mapping for the remaining record types.",
    "Finished the security controls walkthrough with the client's ISSO.",
    "Published the updated requirements traceability matrix.",
    "Ran the monthly risk review with the client lead.",
    "Delivered the sprint demo to program office stakeholders.",
    "Reconciled the trial data migration against source counts.",
)

ACCEPTED_LINE = "{item} accepted by {client}."

NEXT_STEPS = (
    "Prepare materials for the steering committee.",
    "Start the next test cycle and triage results daily.",
    "Confirm reviewer availability for the upcoming deliverable.",
    "Finalize the cutover checklist with the client's operations team.",
    "Walk through the draft user guide with super-users.",
    "Refresh the budget forecast with actuals through period end.",
)

NEXT_ITEM_LINE = "Continue work toward {item}, forecast for {date}."

NO_ISSUES = "None requiring client action."

OPEN_ISSUES = (
    "Two reviewers have not yet returned comments on the draft; we need them by Friday to hold the date.",
    "The test environment was unavailable for three days; integration testing is behind.",
    "A change request for additional reports is awaiting the client's decision.",
    "Data quality exceptions are above the planning assumption and need data-owner decisions.",
)

INTERNAL_NOTES = (
    "Contracting officer is sensitive about invoice timing; keep financial detail to the monthly review.",
    "Client lead hinted at follow-on work for the regional offices; raise with the PMO director.",
    "Team morale good; watch overtime on the integration squad.",
    "Subcontractor burn is running ahead of plan; discuss at the next subcontract review.",
    "Executive sponsor prefers a phone call before any red status is published.",
    "Consider swapping the business analyst onto the data workstream next month.",
    "Client reviewer turnover again this month; re-brief the new reviewer before the deliverable lands.",
    "Estimate for the reporting module looks optimistic; holding 60 hours of management reserve.",
)
