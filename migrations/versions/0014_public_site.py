"""series: whether the organisers' contact is public; events: the reason a cancellation
gave (shown publicly, unlike the notes). The series' English and Russian descriptions came
with 0012.

Revision ID: 0014
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("series") as batch_op:
        batch_op.add_column(
            sa.Column("contact_public", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("cancel_reason")
    with op.batch_alter_table("series") as batch_op:
        batch_op.drop_column("contact_public")
