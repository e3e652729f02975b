"""registrations: settings per series (or one occurrence) and people's sign-ups

Registration and attendance (issue 17): a series, or one occurrence overriding it, takes
registrations with a capacity and a waiting list; each sign-up is a row whose personal
fields are erased after the retention period.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from scheduler.core.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registration_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "series_id",
            sa.Integer(),
            sa.ForeignKey("series.id", ondelete="CASCADE"),
            unique=True,
            nullable=True,
        ),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("event.id", ondelete="CASCADE"),
            unique=True,
            nullable=True,
        ),
        sa.Column(
            "mode",
            sa.Enum(
                "off", "open", "approval", name="registrationmode", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("waitlist", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=True),
        sa.Column("closes_at", UTCDateTime(), nullable=True),
        sa.Column("closes_before_minutes", sa.Integer(), nullable=False),
        sa.Column("ask_phone", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("ask_kov", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("ask_accessibility", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("question_en", sa.Text(), nullable=True),
        sa.Column("question_ru", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(series_id IS NULL) <> (event_id IS NULL)", name="ck_registration_settings_owner"
        ),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_registration_capacity"),
    )
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "event_id", sa.Integer(), sa.ForeignKey("event.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "confirmed",
                "waitlisted",
                "declined",
                "cancelled",
                name="registrationstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("waitlist_position", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("email_key", sa.String(64), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column(
            "kov_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("is_walk_in", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("checked_in", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("checked_in_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("email_confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("erased_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("event_id", "email_key", name="uq_registration_event_email"),
    )
    op.create_index("ix_registration_event_state", "registration", ["event_id", "state"])


def downgrade():
    op.drop_index("ix_registration_event_state", table_name="registration")
    op.drop_table("registration")
    op.drop_table("registration_settings")
