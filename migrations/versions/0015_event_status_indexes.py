"""events: indexes for the awaiting-outcome worklist and its count in the header

(status, end, series_id) counts the past events still planned, in anyone's scope, from the
index alone; (status, start) gives the worklist's oldest-first page without sorting them.

Revision ID: 0015
Revises: 0010
"""

from alembic import op

revision = "0015"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_status_end", "event", ["status", "end", "series_id"])
    op.create_index("ix_event_status_start", "event", ["status", "start"])


def downgrade():
    op.drop_index("ix_event_status_start", table_name="event")
    op.drop_index("ix_event_status_end", table_name="event")
