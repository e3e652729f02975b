"""events: the UID an occurrence was first published under, kept for life; split series
remember the series they were split from

An occurrence's UID is derived from its series key and original start until something would
change that identity (the series' time changes, a split moves it into a new series); then the
derived UID is written here first, so calendars that imported it see the same event change.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("uid", sa.String(length=500), nullable=True))
    with op.batch_alter_table("series") as batch:
        batch.add_column(sa.Column("split_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_series_split_from", "series", ["split_from_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("series") as batch:
        batch.drop_constraint("fk_series_split_from", type_="foreignkey")
        batch.drop_column("split_from_id")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("uid")
