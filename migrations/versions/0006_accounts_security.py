"""accounts: active flag and session version on users; failed sign-ins for throttling

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa

import scheduler.core.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failed_at_utc', scheduler.core.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_account_key_failed_at_utc', ['account_key', 'failed_at_utc'], unique=False)
        batch_op.create_index('ix_login_failure_address_failed_at_utc', ['address', 'failed_at_utc'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_address_failed_at_utc')
        batch_op.drop_index('ix_login_failure_account_key_failed_at_utc')
    op.drop_table('login_failure')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('active')
