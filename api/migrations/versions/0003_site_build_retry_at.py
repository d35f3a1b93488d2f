"""site_builds.retry_at: when a failed build is tried again

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_builds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retry_at", api.kit.columns.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site_builds", schema=None) as batch_op:
        batch_op.drop_column("retry_at")
