"""Policy: the grace period for edits made while a worker held a child, and
whether workers may create children.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("policy") as batch:
        batch.add_column(
            sa.Column("edit_grace_days", sa.Integer, nullable=False, server_default="14")
        )
        batch.add_column(
            sa.Column(
                "workers_may_create_children",
                sa.Boolean,
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("policy") as batch:
        batch.drop_column("workers_may_create_children")
        batch.drop_column("edit_grace_days")
