"""sites.next_build_at: when each site's scheduled rebuild is next due

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_build_at", api.kit.columns.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_sites_next_build_at"), ["next_build_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_next_build_at"))
        batch_op.drop_column("next_build_at")
