"""0013: Partner reports: what schools, the police and health reported
through the console, and how far each has come (sync.server.partner_reports).

A new table only; nothing existing changes.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("reporter_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("agency", sa.String(30), nullable=False),
        sa.Column("report_type", sa.String(20), nullable=False),
        sa.Column("child", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("child_id", sa.String(36)),
        sa.Column("record_id", sa.String(36)),
        sa.Column("held_back", sa.String(500)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.String(200)),
    )
    op.create_index("partner_reports_reporter", "partner_reports", ["reporter_id", "submitted_at"])
    op.create_index("partner_reports_status", "partner_reports", ["status", "submitted_at"])


def downgrade() -> None:
    op.drop_index("partner_reports_status", table_name="partner_reports")
    op.drop_index("partner_reports_reporter", table_name="partner_reports")
    op.drop_table("partner_reports")
