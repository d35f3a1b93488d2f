"""What every CX record shares: the touchpoint it is about."""

from __future__ import annotations

import enum


class Touchpoint(enum.Enum):
    KICKOFF = "KICKOFF"
    STATUS_REPORT = "STATUS_REPORT"
    MILESTONE_REVIEW = "MILESTONE_REVIEW"
    DELIVERABLE_ACCEPTANCE = "DELIVERABLE_ACCEPTANCE"
    MEETING = "MEETING"
    SUPPORT = "SUPPORT"
    CLOSEOUT = "CLOSEOUT"
    GENERAL = "GENERAL"
