"""Update requests: who was asked to update which milestones and risks, by when, and how it stands.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('update_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.String(length=64), nullable=False),
    sa.Column('requester_user_id', sa.Integer(), nullable=True),
    sa.Column('recipient_user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('OPEN', 'ANSWERED', 'OVERDUE', 'CANCELLED', name='updaterequeststate', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_user_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_user_id'], ['users.id'], name=op.f('fk_update_requests_answered_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_update_requests_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_update_requests_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], name=op.f('fk_update_requests_recipient_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_user_id'], ['users.id'], name=op.f('fk_update_requests_requester_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_requests')),
    sa.UniqueConstraint('token_id', name=op.f('uq_update_requests_token_id'))
    )
    with op.batch_alter_table('update_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_requests_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_requests_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_requests_recipient_user_id'), ['recipient_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_requests_state'), ['state'], unique=False)

    op.create_table('update_request_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('risk_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_update_request_items_milestone_id_milestones'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['update_requests.id'], name=op.f('fk_update_request_items_request_id_update_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_id'], ['risks.id'], name=op.f('fk_update_request_items_risk_id_risks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_request_items'))
    )
    with op.batch_alter_table('update_request_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_request_items_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('update_request_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_request_items_request_id'))

    op.drop_table('update_request_items')
    with op.batch_alter_table('update_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_requests_state'))
        batch_op.drop_index(batch_op.f('ix_update_requests_recipient_user_id'))
        batch_op.drop_index(batch_op.f('ix_update_requests_project_id'))
        batch_op.drop_index(batch_op.f('ix_update_requests_client_id'))

    op.drop_table('update_requests')
