"""Tenant scoping: the one place that decides which rows a principal may see."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select, true

from api.activity.models import Activity, Audience
from api.auth.models import ApiToken
from api.auth.principal import Grant, Principal
from api.comments.models import Comment
from api.cx.action_items.models import ActionItem
from api.cx.feedback.models import Feedback
from api.cx.mystery_shops.models import MysteryShop
from api.cx.surveys.models import SurveyInvitation
from api.delivery.models import Delivery
from api.organizations.models import Organization
from api.projects.models import ActualCost, Assignment, Milestone, MilestoneProgress, Project, Risk, Visibility
from api.reports.models import ReportState, StatusReport
from api.sites.models import Site, SiteBuild
from api.update_requests.models import UpdateRequest
from api.webhooks.models import EndpointOwner, WebhookEndpoint, WebhookSecret

S = TypeVar("S", bound=Select[Any])

_BY_PROJECT = (Milestone, Risk, StatusReport, Assignment, MilestoneProgress)
_BY_CLIENT = (Feedback, ActionItem, Site, SiteBuild)
_STAFF_ONLY = (MysteryShop, SurveyInvitation)
_BY_ENDPOINT = (WebhookSecret, Delivery)  # a client sees its own endpoints' requests; mail is PMO staff's only
TENANT_ENTITIES = (Project, Organization, WebhookEndpoint, ActualCost, Activity, Comment, UpdateRequest, *_STAFF_ONLY,
                   *_BY_PROJECT, *_BY_CLIENT,
                   *_BY_ENDPOINT)


def scoped(statement: S, entity: type[Any], principal: Principal) -> S:
    """`statement` over `entity`, restricted to the rows `principal` may see."""
    return statement.where(visible(entity, principal))


def visible(entity: type[Any], principal: Principal) -> ColumnElement[bool]:
    """The condition under which a row of `entity` is visible to `principal`."""
    if entity is ApiToken:
        # Out of TENANT_ENTITIES on purpose: authentication looks tokens up before any principal exists.
        return true() if principal.is_pmo_admin else ApiToken.organization_id.in_(principal.executive_client_ids)
    if principal.is_pmo_staff:
        return true()
    if entity is Project:
        return _visible_project(principal)
    if entity is Organization:
        return _visible_client(principal)
    if entity in _BY_PROJECT:
        condition = entity.project_id.in_(select(Project.id).where(_visible_project(principal)))
        if entity is Risk:
            condition = condition & (Risk.visibility == Visibility.CLIENT)
        if entity is StatusReport:
            condition = condition & (StatusReport.state == ReportState.PUBLISHED)
        return condition
    if entity in _BY_CLIENT:
        if entity is ActionItem:
            return ActionItem.client_id.in_(principal.client_ids) & ActionItem.client_visible.is_(True)
        return entity.client_id.in_(principal.client_ids)
    if entity is Activity:
        # The client's people read CLIENT activity of its projects; assigned subcontractors CLIENT and TEAM.
        assigned = select(Assignment.project_id).where(Assignment.organization_id.in_(principal.subcontractor_ids))
        return or_(Activity.client_id.in_(principal.client_ids) & (Activity.audience == Audience.CLIENT),
                   Activity.project_id.in_(assigned) & Activity.audience.in_([Audience.CLIENT, Audience.TEAM]))
    if entity is UpdateRequest:
        # Between the PMO and the person asked: nobody else, the client included, sees a request.
        return UpdateRequest.recipient_user_id == principal.user_id if principal.user_id else false()
    if entity is Comment:
        return _visible_comment(principal)
    if entity is ActualCost:
        # Money: the client's own people when the project shares its financials; subcontractors never.
        return ActualCost.project_id.in_(select(Project.id).where(Project.client_id.in_(principal.client_ids),
                                                                  Project.financials_shared.is_(True)))
    if entity is WebhookEndpoint:
        return _visible_endpoint(principal)
    if entity in _BY_ENDPOINT:
        return entity.endpoint_id.in_(select(WebhookEndpoint.id).where(_visible_endpoint(principal)))
    if entity in _STAFF_ONLY:
        return false()
    raise LookupError(f"no tenant rule for {entity.__name__}")


def activity_viewer(principal: Principal) -> frozenset[Grant]:
    """What decides which Activity rows `principal` may see (the Activity rule in `visible`): its grants and nothing
    else, so principals with equal grants may share one read of them. Keep it in step with that rule."""
    return frozenset(principal.grants)


def _visible_comment(principal: Principal) -> ColumnElement[bool]:
    """By audience, as activity is, and never on what the viewer may not see (an internal risk, a draft report)."""
    assigned = select(Assignment.project_id).where(Assignment.organization_id.in_(principal.subcontractor_ids))
    audience = or_(Comment.client_id.in_(principal.client_ids) & (Comment.audience == Audience.CLIENT),
                   Comment.project_id.in_(assigned) & Comment.audience.in_([Audience.CLIENT, Audience.TEAM]))
    subject = or_(Comment.subject_type == "Milestone",
                  (Comment.subject_type == "Risk") & Comment.subject_id.in_(
                      select(Risk.id).where(Risk.visibility == Visibility.CLIENT)),
                  (Comment.subject_type == "StatusReport") & Comment.subject_id.in_(
                      select(StatusReport.id).where(StatusReport.state == ReportState.PUBLISHED)))
    return audience & subject


def _visible_endpoint(principal: Principal) -> ColumnElement[bool]:
    """A client's own endpoints (not the ones the PMO registered for its events, which carry internal fields)."""
    return (WebhookEndpoint.owner == EndpointOwner.CLIENT) & WebhookEndpoint.client_id.in_(principal.client_ids)


def _visible_project(principal: Principal) -> ColumnElement[bool]:
    assigned = select(Assignment.project_id).where(Assignment.organization_id.in_(principal.subcontractor_ids))
    return or_(Project.client_id.in_(principal.client_ids), Project.id.in_(assigned))


def _visible_client(principal: Principal) -> ColumnElement[bool]:
    """A principal's own organizations, and the clients of the projects it may see."""
    own = {grant.organization_id for grant in principal.grants}
    with_visible_projects = select(Project.client_id).where(_visible_project(principal))
    return or_(Organization.id.in_(own), Organization.id.in_(with_visible_projects))
