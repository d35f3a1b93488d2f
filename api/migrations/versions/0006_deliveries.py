"""Deliveries: one row per message owed to a recipient because of an event

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 09:27:58.303179
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("deliveries",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("event_id", sa.Integer(), nullable=False),
    sa.Column("channel", sa.Enum("EMAIL", name="deliverychannel", native_enum=False, length=32), nullable=False),
    sa.Column("kind", sa.Enum("REPORT_PUBLISHED", name="noticekind", native_enum=False, length=32), nullable=False),
    sa.Column("client_id", sa.Integer(), nullable=False),
    sa.Column("recipient_id", sa.Integer(), nullable=False),
    sa.Column("address", sa.String(length=320), nullable=False),
    sa.Column("invitation_id", sa.Integer(), nullable=True),
    sa.Column("state", sa.Enum("PENDING", "SENT", "FAILED", "SUPPRESSED", name="deliverystate", native_enum=False, length=32), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("due_at", api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("message_id", sa.String(length=255), nullable=False),
    sa.Column("created_at", api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column("sent_at", api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["client_id"], ["organizations.id"], name=op.f("fk_deliveries_client_id_organizations"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["event_id"], ["outbox_events.id"], name=op.f("fk_deliveries_event_id_outbox_events"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["invitation_id"], ["survey_invitations.id"], name=op.f("fk_deliveries_invitation_id_survey_invitations"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_deliveries_recipient_id_users"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    sa.UniqueConstraint("event_id", "channel", "recipient_id", name=op.f("uq_deliveries_event_id_channel_recipient_id"))
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_state"), ["state"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_state"))
        batch_op.drop_index(batch_op.f("ix_deliveries_event_id"))
        batch_op.drop_index(batch_op.f("ix_deliveries_client_id"))

    op.drop_table("deliveries")
