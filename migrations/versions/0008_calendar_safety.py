"""imported calendars: warnings of the last import, removal kept as a tombstone

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa

import scheduler.core.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("imported_calendar") as batch_op:
        batch_op.add_column(sa.Column("import_warnings", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("removed_at", scheduler.core.types.UTCDateTime(), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("imported_calendar") as batch_op:
        batch_op.drop_column("removed_at")
        batch_op.drop_column("import_warnings")
