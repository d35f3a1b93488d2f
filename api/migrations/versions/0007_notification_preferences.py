"""Notification preferences: per person and client, which notices they receive

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:48:17.175575
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("notification_preferences",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("client_id", sa.Integer(), nullable=False),
    sa.Column("report_notices", sa.Enum("EACH", "WEEKLY_DIGEST", "OFF", name="reportnotices", native_enum=False, length=32), nullable=False),
    sa.Column("decision_notices", sa.Enum("ON", "OFF", name="decisionnotices", native_enum=False, length=32), nullable=False),
    sa.Column("updated_at", api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["client_id"], ["organizations.id"], name=op.f("fk_notification_preferences_client_id_organizations"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
    sa.UniqueConstraint("user_id", "client_id", name=op.f("uq_notification_preferences_user_id_client_id"))
    )
    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_preferences_client_id"), ["client_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_preferences_client_id"))

    op.drop_table("notification_preferences")
