"""feeds and calendars: private feed tokens, imported calendars and their series

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

import scheduler.core.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=8), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('created_at', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', scheduler.core.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_feed_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feed_token_token_hash'))
    )
    op.create_table('imported_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=1000), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.Column('last_checked_at', scheduler.core.types.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', scheduler.core.types.UTCDateTime(), nullable=True),
    sa.Column('last_status', sa.String(length=16), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('http_etag', sa.String(length=300), nullable=True),
    sa.Column('http_last_modified', sa.String(length=100), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_imported_calendar_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_calendar'))
    )
    op.create_table('imported_series',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=400), nullable=False),
    sa.Column('is_recurring', sa.Boolean(), nullable=False),
    sa.Column('is_deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['imported_calendar.id'], name=op.f('fk_imported_series_calendar_id_imported_calendar'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_imported_series_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', name=op.f('pk_imported_series')),
    sa.UniqueConstraint('calendar_id', 'uid', name=op.f('uq_imported_series_calendar_id_uid'))
    )


def downgrade():
    op.drop_table('imported_series')
    op.drop_table('imported_calendar')
    op.drop_table('feed_token')
