"""Activity: what happened on each project, one row per event, for its audience

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 13:06:38.887149
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('audience', sa.Enum('CLIENT', 'TEAM', 'PMO', name='audience', native_enum=False, length=32), nullable=False),
    sa.Column('occurred_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_activities_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_activities_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['outbox_events.id'], name=op.f('fk_activities_event_id_outbox_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_activities_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('event_id', name=op.f('uq_activities_event_id'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_client_newest', ['client_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_activities_project_newest', ['project_id', 'occurred_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_project_newest')
        batch_op.drop_index('ix_activities_client_newest')

    op.drop_table('activities')
