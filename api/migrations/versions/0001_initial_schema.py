"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:31:01.786629
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('PMO', 'CLIENT', 'SUBCONTRACTOR', name='organizationkind', native_enum=False, length=32), nullable=False),
    sa.Column('sector', sa.Enum('FEDERAL', 'STATE_LOCAL', 'ENTERPRISE', 'NONPROFIT', name='clientsector', native_enum=False, length=32), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('slug', name=op.f('uq_organizations_slug'))
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_kind'), ['kind'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum('PMO_ADMIN', 'PMO_STAFF', 'CLIENT_EXECUTIVE', 'CLIENT_CONTACT', 'SUBCONTRACTOR', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_api_tokens_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_organization_id'), ['organization_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('PMO_ADMIN', 'PMO_STAFF', 'CLIENT_EXECUTIVE', 'CLIENT_CONTACT', 'SUBCONTRACTOR', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_memberships_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'organization_id', name=op.f('uq_memberships_user_id_organization_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('PLANNED', 'ACTIVE', 'ON_HOLD', 'CLOSED', 'CANCELLED', name='projectstatus', native_enum=False, length=32), nullable=False),
    sa.Column('phase', sa.Enum('INITIATION', 'PLANNING', 'EXECUTION', 'CLOSEOUT', name='projectphase', native_enum=False, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('budget_at_completion', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('actual_cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('financials_shared', sa.Boolean(), nullable=False),
    sa.Column('health_overall', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=False),
    sa.Column('health_schedule', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=False),
    sa.Column('health_cost', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=False),
    sa.Column('health_scope', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=False),
    sa.Column('health_quality', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=False),
    sa.Column('percent_complete', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent_complete BETWEEN 0 AND 100', name=op.f('ck_projects_percent_complete_range')),
    sa.CheckConstraint('start_date <= end_date', name=op.f('ck_projects_period_order')),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_projects_client_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_projects_manager_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('client_id', 'code', name=op.f('uq_projects_client_id_code'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_status'), ['status'], unique=False)

    op.create_table('site_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.Enum('SCHEDULE', 'MANUAL', 'EVENT', name='buildtrigger', native_enum=False, length=32), nullable=False),
    sa.Column('state', sa.Enum('QUEUED', 'RUNNING', 'PUBLISHED', 'UNCHANGED', 'FAILED', name='buildstate', native_enum=False, length=32), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('requested_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('input_hash', sa.String(length=64), nullable=True),
    sa.Column('files_uploaded', sa.Integer(), nullable=False),
    sa.Column('files_deleted', sa.Integer(), nullable=False),
    sa.Column('files_unchanged', sa.Integer(), nullable=False),
    sa.Column('bytes_uploaded', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_site_builds_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_site_builds_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_builds'))
    )
    with op.batch_alter_table('site_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_builds_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_builds_state'), ['state'], unique=False)

    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('site_key', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('access_mode', sa.Enum('SECRET_LINK', 'CDN_PROTECTED', name='siteaccessmode', native_enum=False, length=32), nullable=False),
    sa.Column('schedule', sa.String(length=120), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('brand_name', sa.String(length=200), nullable=True),
    sa.Column('accent_color', sa.String(length=7), nullable=False),
    sa.Column('logo_url', sa.String(length=500), nullable=True),
    sa.Column('published_key', sa.String(length=64), nullable=True),
    sa.Column('published_input_hash', sa.String(length=64), nullable=True),
    sa.Column('published_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_sites_client_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('client_id', name=op.f('uq_sites_client_id')),
    sa.UniqueConstraint('site_key', name=op.f('uq_sites_site_key'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_assignments_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_assignments_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('project_id', 'organization_id', 'user_id', name=op.f('uq_assignments_project_id_organization_id_user_id'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_project_id'), ['project_id'], unique=False)
        batch_op.create_index('uq_assignments_project_organization_without_user', ['project_id', 'organization_id'], unique=True, sqlite_where=sa.text('user_id IS NULL'), postgresql_where=sa.text('user_id IS NULL'))

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_token_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_token_id'], ['api_tokens.id'], name=op.f('fk_audit_events_actor_token_id_api_tokens'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_audit_events_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_audit_events_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_organization_id'), ['organization_id'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('MILESTONE', 'DELIVERABLE', name='milestonekind', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('baseline_date', sa.Date(), nullable=False),
    sa.Column('forecast_date', sa.Date(), nullable=False),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'SUBMITTED', 'ACCEPTED', 'REJECTED', name='milestonestatus', native_enum=False, length=32), nullable=False),
    sa.Column('planned_value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('percent_complete', sa.Integer(), nullable=False),
    sa.Column('accepted_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent_complete BETWEEN 0 AND 100', name=op.f('ck_milestones_percent_complete_range')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_milestones_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_milestones_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_project_id'), ['project_id'], unique=False)

    op.create_table('mystery_shops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('touchpoint', sa.Enum('KICKOFF', 'STATUS_REPORT', 'MILESTONE_REVIEW', 'DELIVERABLE_ACCEPTANCE', 'MEETING', 'SUPPORT', 'CLOSEOUT', 'GENERAL', name='touchpoint', native_enum=False, length=32), nullable=False),
    sa.Column('conducted_on', sa.Date(), nullable=False),
    sa.Column('shopper_id', sa.Integer(), nullable=True),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('score_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score_percent BETWEEN 0 AND 100', name=op.f('ck_mystery_shops_score_percent_range')),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_mystery_shops_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_mystery_shops_project_id_projects'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shopper_id'], ['users.id'], name=op.f('fk_mystery_shops_shopper_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mystery_shops'))
    )
    with op.batch_alter_table('mystery_shops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mystery_shops_client_id'), ['client_id'], unique=False)

    op.create_table('risks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('RISK', 'ISSUE', name='riskkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Enum('LOW', 'MEDIUM', 'HIGH', 'CRITICAL', name='riskseverity', native_enum=False, length=32), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('mitigation', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'MITIGATING', 'CLOSED', name='riskstatus', native_enum=False, length=32), nullable=False),
    sa.Column('visibility', sa.Enum('CLIENT', 'INTERNAL', name='visibility', native_enum=False, length=32), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('impact BETWEEN 1 AND 5', name=op.f('ck_risks_impact_range')),
    sa.CheckConstraint('probability BETWEEN 1 AND 5', name=op.f('ck_risks_probability_range')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_risks_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risks'))
    )
    with op.batch_alter_table('risks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risks_project_id'), ['project_id'], unique=False)

    op.create_table('status_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('cadence', sa.Enum('WEEKLY', 'MONTHLY', name='reportcadence', native_enum=False, length=32), nullable=False),
    sa.Column('state', sa.Enum('DRAFT', 'PUBLISHED', name='reportstate', native_enum=False, length=32), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('accomplishments', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('issues', sa.Text(), nullable=False),
    sa.Column('internal_notes', sa.Text(), nullable=False),
    sa.Column('health_overall', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=True),
    sa.Column('health_schedule', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=True),
    sa.Column('health_cost', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=True),
    sa.Column('health_scope', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=True),
    sa.Column('health_quality', sa.Enum('GREEN', 'AMBER', 'RED', name='health', native_enum=False, length=32), nullable=True),
    sa.Column('percent_complete', sa.Integer(), nullable=True),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('published_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_status_reports_period_order')),
    sa.ForeignKeyConstraint(['amends_id'], ['status_reports.id'], name=op.f('fk_status_reports_amends_id_status_reports'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_status_reports_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_status_reports_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_status_reports_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_reports'))
    )
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_reports_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_reports_state'), ['state'], unique=False)

    op.create_table('survey_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('touchpoint', sa.Enum('KICKOFF', 'STATUS_REPORT', 'MILESTONE_REVIEW', 'DELIVERABLE_ACCEPTANCE', 'MEETING', 'SUPPORT', 'CLOSEOUT', 'GENERAL', name='touchpoint', native_enum=False, length=32), nullable=False),
    sa.Column('trigger', sa.Enum('MANUAL', 'EVENT', 'SITE', name='invitationtrigger', native_enum=False, length=32), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('token_id', sa.String(length=64), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('expires_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('responded_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('uses <= max_uses', name=op.f('ck_survey_invitations_uses_within_limit')),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_survey_invitations_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['users.id'], name=op.f('fk_survey_invitations_contact_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_survey_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_survey_invitations_milestone_id_milestones'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_survey_invitations_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['status_reports.id'], name=op.f('fk_survey_invitations_report_id_status_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitations')),
    sa.UniqueConstraint('token_id', name=op.f('uq_survey_invitations_token_id'))
    )
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_invitations_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_invitations_contact_id'), ['contact_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('touchpoint', sa.Enum('KICKOFF', 'STATUS_REPORT', 'MILESTONE_REVIEW', 'DELIVERABLE_ACCEPTANCE', 'MEETING', 'SUPPORT', 'CLOSEOUT', 'GENERAL', name='touchpoint', native_enum=False, length=32), nullable=False),
    sa.Column('csat', sa.Integer(), nullable=True),
    sa.Column('nps', sa.Integer(), nullable=True),
    sa.Column('ces', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('pain_points', sa.JSON(), nullable=False),
    sa.Column('channel', sa.Enum('SURVEY_LINK', 'SITE_LINK', 'API', 'INTERVIEW', name='feedbackchannel', native_enum=False, length=32), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ces IS NULL OR ces BETWEEN 1 AND 7', name=op.f('ck_feedback_ces_range')),
    sa.CheckConstraint('csat IS NOT NULL OR nps IS NOT NULL OR ces IS NOT NULL', name=op.f('ck_feedback_some_score')),
    sa.CheckConstraint('csat IS NULL OR csat BETWEEN 1 AND 5', name=op.f('ck_feedback_csat_range')),
    sa.CheckConstraint('nps IS NULL OR nps BETWEEN 0 AND 10', name=op.f('ck_feedback_nps_range')),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_feedback_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['survey_invitations.id'], name=op.f('fk_feedback_invitation_id_survey_invitations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_feedback_milestone_id_milestones'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_feedback_project_id_projects'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['status_reports.id'], name=op.f('fk_feedback_report_id_status_reports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['respondent_id'], ['users.id'], name=op.f('fk_feedback_respondent_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('feedback_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('you_said', sa.Text(), nullable=False),
    sa.Column('we_did', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'IN_PROGRESS', 'DONE', 'WONT_DO', name='actionitemstatus', native_enum=False, length=32), nullable=False),
    sa.Column('client_visible', sa.Boolean(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('completed_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_action_items_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_action_items_feedback_id_feedback'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_action_items_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_action_items_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_items_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_feedback_id'), ['feedback_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_feedback_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_client_id'))

    op.drop_table('action_items')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_project_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_client_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_invitations_contact_id'))
        batch_op.drop_index(batch_op.f('ix_survey_invitations_client_id'))

    op.drop_table('survey_invitations')
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_reports_state'))
        batch_op.drop_index(batch_op.f('ix_status_reports_project_id'))

    op.drop_table('status_reports')
    with op.batch_alter_table('risks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risks_project_id'))

    op.drop_table('risks')
    with op.batch_alter_table('mystery_shops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mystery_shops_client_id'))

    op.drop_table('mystery_shops')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_project_id'))

    op.drop_table('milestones')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_organization_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))

    op.drop_table('audit_events')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_assignments_project_organization_without_user', sqlite_where=sa.text('user_id IS NULL'), postgresql_where=sa.text('user_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_assignments_project_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_organization_id'))

    op.drop_table('assignments')
    op.drop_table('sites')
    with op.batch_alter_table('site_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_builds_state'))
        batch_op.drop_index(batch_op.f('ix_site_builds_client_id'))

    op.drop_table('site_builds')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_status'))
        batch_op.drop_index(batch_op.f('ix_projects_client_id'))

    op.drop_table('projects')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_organization_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_organization_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_kind'))

    op.drop_table('organizations')
