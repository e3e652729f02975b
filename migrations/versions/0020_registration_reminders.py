"""reminders: room for the kind of a registrant's day-before reminder

A confirmed registrant is reminded the day before the occurrence through the outbox (issue
17, point 4); its kind, ``registration_reminder``, is longer than the 16 characters the
column held.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

KINDS = (
    "before",
    "followup",
    "updated",
    "cancelled",
    "digest",
    "password_reset",
    "registration",
)
OPEN = sa.text("status IN ('pending', 'sending')")


def _kind(length: int, *extra: str) -> sa.Enum:
    return sa.Enum(*KINDS, *extra, name="reminderkind", native_enum=False, length=length)


def _retype(old: sa.Enum, new: sa.Enum) -> None:
    # SQLite rebuilds the table: the partial index is dropped and made again explicitly, so
    # that its condition survives the copy.
    with op.batch_alter_table("reminder") as batch:
        batch.drop_index("ix_reminder_open")
    with op.batch_alter_table("reminder") as batch:
        batch.alter_column("kind", existing_type=old, type_=new, existing_nullable=False)
    with op.batch_alter_table("reminder") as batch:
        batch.create_index(
            "ix_reminder_open",
            ["next_attempt_at", "id"],
            unique=False,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def upgrade():
    _retype(_kind(16), _kind(32, "registration_reminder"))


def downgrade():
    op.execute("DELETE FROM reminder WHERE kind = 'registration_reminder'")
    _retype(_kind(32, "registration_reminder"), _kind(16))
