"""Mutations of the CX domain, gathered from its parts."""

from __future__ import annotations

import strawberry

from api.cx.action_items.mutations import ActionItemMutations
from api.cx.feedback.mutations import FeedbackMutations
from api.cx.mystery_shops.mutations import MysteryShopMutations
from api.cx.surveys.mutations import SurveyMutations


@strawberry.type
class CxMutations(SurveyMutations, FeedbackMutations, ActionItemMutations, MysteryShopMutations):
    """Survey links, feedback, action items and mystery shops."""
