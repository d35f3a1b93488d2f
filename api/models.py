"""Every mapped class, imported once so the metadata is complete (Alembic, tests)."""

from api.activity.models import Activity
from api.audit.models import AuditEvent
from api.auth.models import ApiToken, Membership, Role, User
from api.changes.models import ClientDataVersion, OutboxEvent, Reaction
from api.comments.models import Comment, CommentRevision
from api.cx.action_items.models import ActionItem
from api.cx.feedback.models import Feedback
from api.cx.mystery_shops.models import MysteryShop
from api.cx.surveys.models import SurveyInvitation
from api.delivery.models import Delivery, NotificationPreference
from api.kit.database import Base
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import ActualCost, Assignment, Milestone, MilestoneProgress, Project, Risk
from api.reports.models import StatusReport
from api.sites.models import Site, SiteBuild
from api.update_requests.models import UpdateRequest, UpdateRequestItem
from api.webhooks.models import WebhookEndpoint, WebhookSecret

__all__ = [
    "ActionItem",
    "Activity",
    "ActualCost",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Base",
    "ClientDataVersion",
    "Comment",
    "CommentRevision",
    "Delivery",
    "Feedback",
    "Membership",
    "Milestone",
    "MilestoneProgress",
    "MysteryShop",
    "NotificationPreference",
    "Organization",
    "OrganizationKind",
    "OutboxEvent",
    "Project",
    "Reaction",
    "Risk",
    "Role",
    "Site",
    "SiteBuild",
    "StatusReport",
    "SurveyInvitation",
    "UpdateRequest",
    "UpdateRequestItem",
    "User",
    "WebhookEndpoint",
    "WebhookSecret",
]
