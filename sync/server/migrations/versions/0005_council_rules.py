"""The council's due-date rules and screening tools, versioned: one row per
load by an administrator (`central-record rules load`, `tools load`).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_rules",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(200), nullable=False),
        sa.Column("changed", sa.String(20), nullable=False),
        sa.Column("due_rules", sa.Text, nullable=False),
        sa.Column("tools", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("council_rules")
