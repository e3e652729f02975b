"""events: the reason for cancelling in English and Russian too

The reason a person gives when cancelling an occurrence is public; like titles, it may be
written in each working language (``cancel_reason`` stays the Estonian one).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("cancel_reason_en", sa.Text(), nullable=True))
        batch.add_column(sa.Column("cancel_reason_ru", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("event") as batch:
        batch.drop_column("cancel_reason_ru")
        batch.drop_column("cancel_reason_en")
