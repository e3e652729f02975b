"""accounts: requests that send account mail (password resets, invitations), for rate limits

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

import scheduler.core.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("requested_at_utc", scheduler.core.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_request")),
    )
    with op.batch_alter_table("mail_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_request_account", ["action", "account_key", "requested_at_utc"]
        )
        batch_op.create_index("ix_mail_request_address", ["action", "address", "requested_at_utc"])


def downgrade():
    with op.batch_alter_table("mail_request", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_request_address")
        batch_op.drop_index("ix_mail_request_account")
    op.drop_table("mail_request")
