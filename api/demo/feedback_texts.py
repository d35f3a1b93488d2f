"""What the demo clients say, what the PMO did about it, and the mystery-shop checklists."""

from __future__ import annotations

from api.cx.models import Touchpoint

PAIN_POINTS = (
    "reporting-delays",
    "unclear-scope",
    "slow-response",
    "invoice-accuracy",
    "staff-turnover",
    "meeting-overload",
    "documentation-quality",
    "communication-gaps",
)

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"

# touchpoint -> sentiment -> (comment, pain-point tags)
COMMENTS: dict[Touchpoint, dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    Touchpoint.KICKOFF: {
        POSITIVE: (
            ("Kickoff was well organized. The team had clearly read the statement of work before showing up.", ()),
            ("Appreciated that roles, the governance calendar and the escalation path were laid out on day one.", ()),
            ("Good start. The schedule walkthrough answered most of our program office's questions.", ()),
        ),
        NEUTRAL: (
            ("Solid kickoff, but the deck was long for a 90-minute slot. Send read-ahead material next time.",
             ("meeting-overload",)),
            ("Fine overall. We still need clarity on which deliverables need CO acceptance versus COR review.",
             ("unclear-scope",)),
        ),
        NEGATIVE: (
            ("We left the kickoff without agreement on what is in scope for phase one. That should have been "
             "settled before the meeting.", ("unclear-scope", "communication-gaps")),
            ("Too many attendees from your side and not enough time for our questions.", ("meeting-overload",)),
        ),
    },
    Touchpoint.STATUS_REPORT: {
        POSITIVE: (
            ("The weekly report is exactly what our deputy director needs: short, honest about risks, on time.", ()),
            ("Having the health breakdown and the milestone dates in one place saves me a call every week.", ()),
            ("Clear report. I forwarded it to the program office unchanged.", ()),
        ),
        NEUTRAL: (
            ("Useful, but the accomplishments read like a task list. Tell us what they mean for the schedule.",
             ("documentation-quality",)),
            ("The report arrived on Tuesday this time instead of Monday.", ("reporting-delays",)),
        ),
        NEGATIVE: (
            ("The report came out four days after the period closed and still showed last week's dates. We need it "
             "on time to brief leadership.", ("reporting-delays",)),
            ("Status was green until the week it turned red. We should have heard about the slip earlier.",
             ("communication-gaps",)),
            ("Cost to date in the report did not match the invoice for the same month.", ("invoice-accuracy",)),
        ),
    },
    Touchpoint.MILESTONE_REVIEW: {
        POSITIVE: (
            ("Milestone review was thorough and the demo used our real data, which built confidence.", ()),
            ("The team walked through every acceptance criterion. No surprises.", ()),
            ("Good review. Risks to the next milestone were raised before we had to ask.", ()),
        ),
        NEUTRAL: (
            ("The review went fine, but we received the materials the night before.", ("reporting-delays",)),
            ("A new analyst presented this time and could not answer questions on earlier design decisions.",
             ("staff-turnover",)),
        ),
        NEGATIVE: (
            ("The milestone was declared complete but two of the criteria we agreed were not demonstrated.",
             ("unclear-scope",)),
            ("We had to chase for a review date for two weeks.", ("slow-response", "communication-gaps")),
        ),
    },
    Touchpoint.DELIVERABLE_ACCEPTANCE: {
        POSITIVE: (
            ("The deliverable was complete and well organized; acceptance took one review cycle.", ()),
            ("Traceability to the requirements made our review fast. Thank you.", ()),
            ("Clean, accessible document. Our records office accepted it without changes.", ()),
        ),
        NEUTRAL: (
            ("Content was good but the document needed formatting fixes before we could file it.",
             ("documentation-quality",)),
            ("Acceptable, although the submission letter cited the wrong contract line item.", ("invoice-accuracy",)),
        ),
        NEGATIVE: (
            ("The deliverable did not address half of the comments from the draft review.",
             ("documentation-quality",)),
            ("We were asked to accept the deliverable before we had time to review it.", ("communication-gaps",)),
        ),
    },
    Touchpoint.MEETING: {
        POSITIVE: (
            ("Steering committee was focused and ended with clear decisions.", ()),
            ("Good to have the subcontractor lead in the room to answer field questions directly.", ()),
            ("Well-run meeting; the action log was in my inbox within the hour.", ()),
        ),
        NEUTRAL: (
            ("Useful meeting, but it could have been 30 minutes instead of an hour.", ("meeting-overload",)),
            ("We covered the agenda, but last time's action items were not revisited.", ("communication-gaps",)),
        ),
        NEGATIVE: (
            ("Three recurring meetings a week is more than my team can staff.", ("meeting-overload",)),
            ("A third new analyst in six months. We keep re-explaining the same background.", ("staff-turnover",)),
        ),
    },
    Touchpoint.SUPPORT: {
        POSITIVE: (
            ("The help desk fixed the account lockout within the hour.", ()),
            ("Quick, courteous answer and a follow-up to confirm it worked.", ()),
            ("Support explained the workaround clearly while the fix was scheduled.", ()),
        ),
        NEUTRAL: (
            ("Resolved, but it took three emails to get someone to own the ticket.", ("slow-response",)),
            ("The answer was right, but the knowledge base article is out of date.", ("documentation-quality",)),
        ),
        NEGATIVE: (
            ("Our ticket sat for four business days without a response.", ("slow-response",)),
            ("We were told the issue was fixed, but it came back the next morning and nobody called us.",
             ("slow-response", "communication-gaps")),
        ),
    },
    Touchpoint.CLOSEOUT: {
        POSITIVE: (
            ("Closeout was orderly: final documentation, lessons learned and handover all on time.", ()),
            ("We would bring this team back for the next phase.", ()),
            ("Strong finish. The handover to our operations staff was well prepared.", ()),
        ),
        NEUTRAL: (
            ("Good project overall, though the final invoice needed two corrections.", ("invoice-accuracy",)),
            ("Handover was fine, but some runbooks were still in draft.", ("documentation-quality",)),
        ),
        NEGATIVE: (
            ("Closeout dragged on for weeks after go-live and the final invoice was wrong twice.",
             ("invoice-accuracy", "slow-response")),
            ("The lessons-learned session felt like a formality.", ("communication-gaps",)),
        ),
    },
    Touchpoint.GENERAL: {
        POSITIVE: (
            ("Northwind is one of the few vendors who tells us bad news early.", ()),
            ("The status site means I no longer have to ask for updates.", ()),
            ("Responsive, transparent, and they understand our mission.", ()),
        ),
        NEUTRAL: (
            ("Delivery is good; communication between your teams could be more consistent.", ("communication-gaps",)),
            ("Reliable team, but we have seen more staff changes than we would like.", ("staff-turnover",)),
        ),
        NEGATIVE: (
            ("We spend too much time reconciling invoices against the work performed.", ("invoice-accuracy",)),
            ("Scope discussions keep coming back; we need a firmer baseline.", ("unclear-scope",)),
            ("Your responses to our data calls are consistently late.", ("slow-response", "reporting-delays")),
        ),
    },
}

# pain point -> (title, you said, we did)
ACTIONS = {
    "reporting-delays": (
        "Publish status reports on a fixed day",
        "Status reports sometimes arrived days after the period closed.",
        "Reports now publish every Monday by noon your time, and the status site shows when each one was published.",
    ),
    "unclear-scope": (
        "Confirm scope in writing at every phase gate",
        "It was not always clear what was in scope for each phase.",
        "We added a one-page scope confirmation to each phase gate, signed by your contracting officer.",
    ),
    "slow-response": (
        "Answer support requests within one business day",
        "Requests waited too long for a first response.",
        "Every request now gets a named owner and a first response within one business day; we report response "
        "times monthly.",
    ),
    "invoice-accuracy": (
        "Reconcile invoices against status reports before sending",
        "Invoice amounts did not always match the reported work.",
        "Finance reconciles each invoice against the month's status report before it is sent.",
    ),
    "staff-turnover": (
        "Keep the project team stable",
        "Team changes meant re-explaining background to new staff.",
        "We named a deputy project manager for continuity and run a documented handover before any team change.",
    ),
    "meeting-overload": (
        "Consolidate recurring meetings",
        "There were more recurring meetings than your team could staff.",
        "We merged three recurring meetings into one weekly working session with a shared agenda.",
    ),
    "documentation-quality": (
        "Peer-review every deliverable before submission",
        "Deliverables needed formatting and content fixes before acceptance.",
        "Every deliverable now passes an internal peer review and an accessibility check before submission.",
    ),
    "communication-gaps": (
        "Tell the client about schedule risks within two days",
        "You heard about problems later than you wanted.",
        "Risks that threaten a milestone now reach you within two business days, and the status site lists them.",
    ),
}

# Staffing and invoicing follow-ups are handled with the contracting officer directly, not on the site.
INTERNAL_ACTION_TAGS = frozenset({"staff-turnover", "invoice-accuracy"})

MYSTERY_SHOP_MAX_SCORE = 5

MYSTERY_SHOP_CRITERIA = {
    Touchpoint.STATUS_REPORT: (
        "Published on the agreed day",
        "Health ratings explained where not green",
        "Risks match the risk register",
        "Plain language, no unexplained acronyms",
    ),
    Touchpoint.MEETING: (
        "Agenda sent a day ahead",
        "Started and ended on time",
        "Decisions and actions recorded",
        "Action log sent within one business day",
    ),
    Touchpoint.SUPPORT: (
        "First response within one business day",
        "Named owner on the request",
        "Resolution confirmed with the requester",
        "Knowledge base updated",
    ),
    Touchpoint.KICKOFF: (
        "Read-ahead sent two days before",
        "Roles and escalation path presented",
        "Schedule and governance calendar shared",
        "Client questions captured and answered",
    ),
    Touchpoint.DELIVERABLE_ACCEPTANCE: (
        "Submitted with a requirements traceability matrix",
        "Prior review comments addressed",
        "Accessibility check passed",
        "Submission letter cites the right contract line item",
    ),
}

MYSTERY_SHOP_NOTES = {
    "met": "Met the standard.",
    "partly": "Mostly met; minor gaps noted for the team.",
    "missed": "Not met; follow-up assigned.",
}
