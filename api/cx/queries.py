"""Root query fields of the CX domain, gathered from its parts."""

from __future__ import annotations

import strawberry

from api.cx.action_items.queries import ActionItemQueries
from api.cx.feedback.queries import FeedbackQueries
from api.cx.mystery_shops.queries import MysteryShopQueries
from api.cx.summary.queries import SummaryQueries
from api.cx.surveys.queries import SurveyQueries


@strawberry.type
class CxQueries(FeedbackQueries, SurveyQueries, ActionItemQueries, MysteryShopQueries, SummaryQueries):
    """Feedback, survey invitations, action items, mystery shops and CX summaries."""
