"""series: what the last plan load wrote, so a later load sees changes made on the web

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("series") as batch_op:
        batch_op.add_column(sa.Column("plan_definition", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("series") as batch_op:
        batch_op.drop_column("plan_definition")
