"""series: descriptions in English and Russian beside the Estonian one (the series editor)

Revision ID: 0012
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("series") as batch_op:
        batch_op.add_column(sa.Column("description_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("description_ru", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("series") as batch_op:
        batch_op.drop_column("description_ru")
        batch_op.drop_column("description_en")
