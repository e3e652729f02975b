"""series: descriptions in English and Russian, and whether the organisers' contact is public;
events: the reason a cancellation gave (shown publicly, unlike the notes)

Revision ID: 0014
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("series") as batch_op:
        batch_op.add_column(sa.Column("description_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("description_ru", sa.Text(), nullable=True))
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
        batch_op.drop_column("description_ru")
        batch_op.drop_column("description_en")
