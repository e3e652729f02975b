"""demo replay flag on plans and series; Russian names of organisations, activities, indicators

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plan") as batch_op:
        batch_op.add_column(
            sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("series") as batch_op:
        batch_op.add_column(
            sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(sa.Column("name_ru", sa.String(length=200), nullable=True))
    with op.batch_alter_table("activity") as batch_op:
        batch_op.add_column(sa.Column("title_ru", sa.String(length=500), nullable=True))
    with op.batch_alter_table("indicator") as batch_op:
        batch_op.add_column(sa.Column("name_ru", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("indicator") as batch_op:
        batch_op.drop_column("name_ru")
    with op.batch_alter_table("activity") as batch_op:
        batch_op.drop_column("title_ru")
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_column("name_ru")
    with op.batch_alter_table("series") as batch_op:
        batch_op.drop_column("is_demo")
    with op.batch_alter_table("plan") as batch_op:
        batch_op.drop_column("is_demo")
