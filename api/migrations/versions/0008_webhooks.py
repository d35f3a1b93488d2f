"""Webhooks: endpoints, their signing secrets, and deliveries to an endpoint rather than a person

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 11:30:06.231928
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.kit.columns

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('owner', sa.Enum('PMO', 'CLIENT', name='endpointowner', native_enum=False, length=32), nullable=False),
    sa.Column('owner_organization_id', sa.Integer(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('created_by_token_id', sa.Integer(), nullable=True),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('warned_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('disabled_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['organizations.id'], name=op.f('fk_webhook_endpoints_client_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_token_id'], ['api_tokens.id'], name=op.f('fk_webhook_endpoints_created_by_token_id_api_tokens'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_organization_id'], ['organizations.id'], name=op.f('fk_webhook_endpoints_owner_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_webhook_endpoints_owner_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_client_id'), ['client_id'], unique=False)

    op.create_table('webhook_secrets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('created_at', api.kit.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', api.kit.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_secrets_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_secrets'))
    )
    with op.batch_alter_table('webhook_secrets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_secrets_endpoint_id'), ['endpoint_id'], unique=False)

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('endpoint_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('event_type', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.Text(), nullable=True))
        batch_op.alter_column('recipient_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('address',
               existing_type=sa.VARCHAR(length=320),
               type_=sa.String(length=2048),
               existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_deliveries_endpoint_id'), ['endpoint_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_deliveries_event_id_endpoint_id'), ['event_id', 'endpoint_id'])
        batch_op.create_foreign_key(batch_op.f('fk_deliveries_endpoint_id_webhook_endpoints'), 'webhook_endpoints', ['endpoint_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deliveries_endpoint_id_webhook_endpoints'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_deliveries_event_id_endpoint_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_deliveries_endpoint_id'))
        batch_op.alter_column('address',
               existing_type=sa.String(length=2048),
               type_=sa.VARCHAR(length=320),
               existing_nullable=False)
        batch_op.alter_column('recipient_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('payload')
        batch_op.drop_column('event_type')
        batch_op.drop_column('endpoint_id')

    with op.batch_alter_table('webhook_secrets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_secrets_endpoint_id'))

    op.drop_table('webhook_secrets')
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_client_id'))

    op.drop_table('webhook_endpoints')
