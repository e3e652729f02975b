"""events: indexes for the calendar pages, the awaiting-outcome worklist and its count

(status, end, series_id) counts the past events still planned, in anyone's scope, from the
index alone; (status, start) gives the worklist's oldest-first page without sorting them;
(start, series_id) counts each day's events of a calendar page, for any filter of series.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_status_end", "event", ["status", "end", "series_id"])
    op.create_index("ix_event_status_start", "event", ["status", "start"])
    op.create_index("ix_event_start_series", "event", ["start", "series_id"])


def downgrade():
    op.drop_index("ix_event_start_series", table_name="event")
    op.drop_index("ix_event_status_start", table_name="event")
    op.drop_index("ix_event_status_end", table_name="event")
