"""indicators: target revisions, manual values (audit trail), year closings

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-27 22:30:00

"""
from alembic import op
import sqlalchemy as sa

import scheduler.core.types


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_target_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('previous_value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=254), nullable=False),
    sa.Column('revised_at', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_target_revision_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target_revision'))
    )
    with op.batch_alter_table('indicator_target_revision', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_target_revision_lookup', ['indicator_id', 'year', 'kind'], unique=False)

    op.create_table('indicator_manual_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('author', sa.String(length=254), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('recorded_at', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_manual_value_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_manual_value'))
    )
    with op.batch_alter_table('indicator_manual_value', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_manual_value_lookup', ['indicator_id', 'year'], unique=False)

    op.create_table('indicator_year_closing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('closed_at', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.Column('author', sa.String(length=254), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_year_closing')),
    sa.UniqueConstraint('year', name=op.f('uq_indicator_year_closing_year'))
    )


def downgrade():
    op.drop_table('indicator_year_closing')
    with op.batch_alter_table('indicator_manual_value', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_manual_value_lookup')

    op.drop_table('indicator_manual_value')
    with op.batch_alter_table('indicator_target_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_target_revision_lookup')

    op.drop_table('indicator_target_revision')
