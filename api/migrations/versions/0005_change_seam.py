"""The change seam: outbox_events, outbox_reactions, client_data_versions, and sites.published_build_key

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", api.kit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", api.kit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
    )
    op.create_index(op.f("ix_outbox_events_client_id"), "outbox_events", ["client_id"], unique=False)
    op.create_index(op.f("ix_outbox_events_dispatched_at"), "outbox_events", ["dispatched_at"], unique=False)
    op.create_table(
        "outbox_reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("state", sa.Enum("PENDING", "DONE", "FAILED", name="reactionstate", native_enum=False,
                                   length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", api.kit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", api.kit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["outbox_events.id"],
                                name=op.f("fk_outbox_reactions_event_id_outbox_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_reactions")),
        sa.UniqueConstraint("event_id", "name", name=op.f("uq_outbox_reactions_event_id_name")),
    )
    op.create_index(op.f("ix_outbox_reactions_event_id"), "outbox_reactions", ["event_id"], unique=False)
    op.create_index(op.f("ix_outbox_reactions_state"), "outbox_reactions", ["state"], unique=False)
    op.create_table(
        "client_data_versions",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["organizations.id"],
                                name=op.f("fk_client_data_versions_client_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_data_versions")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_build_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("published_build_key")
    op.drop_table("client_data_versions")
    op.drop_index(op.f("ix_outbox_reactions_state"), table_name="outbox_reactions")
    op.drop_index(op.f("ix_outbox_reactions_event_id"), table_name="outbox_reactions")
    op.drop_table("outbox_reactions")
    op.drop_index(op.f("ix_outbox_events_dispatched_at"), table_name="outbox_events")
    op.drop_index(op.f("ix_outbox_events_client_id"), table_name="outbox_events")
    op.drop_table("outbox_events")
