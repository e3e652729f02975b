"""subscribers: email alerts for newcomers without an account

One row per address (issue 18, point 3): the chosen cities, working languages and types, weekly
or immediate, the mail's language, and the random values its signed links name. Deleted when
the address unsubscribes, or after a week if its confirmation link is never followed.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

from scheduler.core.types import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "confirmed", name="subscriberstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("cities", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("mail_language", sa.String(8), nullable=False),
        sa.Column("pending_choice", sa.JSON(), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("confirm_hash", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("digest_since", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("email", name=op.f("uq_subscriber_email")),
    )


def downgrade():
    op.drop_table("subscriber")
