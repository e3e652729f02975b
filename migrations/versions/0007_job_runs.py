"""job_run: the clock's last run of each job (read by /healthz)

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import scheduler.core.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_run',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('started_at', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.Column('finished_at', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_run'))
    )


def downgrade():
    op.drop_table('job_run')
