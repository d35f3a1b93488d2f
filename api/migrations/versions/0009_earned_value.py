"""Earned value: actual cost entries, milestone progress history, and each project's earning rule

Today's actual cost to date becomes one opening entry dated today, and each milestone's current percent complete
and status one history row from the day they last changed (its acceptance, or its last update).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 11:52:02.919050
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actual_costs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amends_id'], ['actual_costs.id'], name=op.f('fk_actual_costs_amends_id_actual_costs'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_actual_costs_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_actual_costs_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actual_costs')),
    sa.UniqueConstraint('amends_id', name=op.f('uq_actual_costs_amends_id'))
    )
    with op.batch_alter_table('actual_costs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actual_costs_project_id'), ['project_id'], unique=False)

    op.create_table('milestone_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('percent_complete', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'SUBMITTED', 'ACCEPTED', 'REJECTED', name='milestonestatus', native_enum=False, length=32), nullable=False),
    sa.Column('recorded_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent_complete BETWEEN 0 AND 100', name=op.f('ck_milestone_progress_percent_complete_range')),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_milestone_progress_milestone_id_milestones'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_milestone_progress_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_progress'))
    )
    with op.batch_alter_table('milestone_progress', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_progress_milestone_effective', ['milestone_id', 'effective_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_progress_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('earning_rule', sa.Enum('PERCENT_COMPLETE', 'FIFTY_FIFTY', 'ZERO_HUNDRED', name='earningrule', native_enum=False, length=32), server_default='PERCENT_COMPLETE', nullable=False))
    _opening_entries()


OPENING_NOTE = "Opening balance: the actual cost to date recorded before cost entries began"


def _opening_entries() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    stamp = api.kit.columns.UTCDateTime()
    projects = sa.table("projects", sa.column("id"), sa.column("actual_cost", sa.Numeric(14, 2)))
    costs = sa.table("actual_costs", sa.column("project_id"), sa.column("period_end", sa.Date()),
                     sa.column("amount", sa.Numeric(14, 2)), sa.column("note"), sa.column("recorded_at", stamp))
    entries = [{"project_id": project_id, "period_end": now.date(), "amount": amount, "note": OPENING_NOTE,
                "recorded_at": now}
               for project_id, amount in connection.execute(sa.select(projects.c.id, projects.c.actual_cost))
               if amount]
    if entries:
        op.bulk_insert(costs, entries)
    milestones = sa.table("milestones", sa.column("id"), sa.column("project_id"), sa.column("percent_complete"),
                          sa.column("status"), sa.column("accepted_at", stamp), sa.column("updated_at", stamp))
    progress = sa.table("milestone_progress", sa.column("milestone_id"), sa.column("project_id"),
                        sa.column("effective_on", sa.Date()), sa.column("percent_complete"), sa.column("status"),
                        sa.column("recorded_at", stamp))
    rows = [{"milestone_id": row.id, "project_id": row.project_id, "percent_complete": row.percent_complete,
             "status": row.status, "effective_on": (row.accepted_at or row.updated_at or now).date(),
             "recorded_at": now}
            for row in connection.execute(sa.select(milestones))]
    if rows:
        op.bulk_insert(progress, rows)


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('earning_rule')

    with op.batch_alter_table('milestone_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_progress_project_id'))
        batch_op.drop_index('ix_milestone_progress_milestone_effective')

    op.drop_table('milestone_progress')
    with op.batch_alter_table('actual_costs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actual_costs_project_id'))

    op.drop_table('actual_costs')
