"""0014: Exploitation (MACE) meetings while the coordinator prepares and
holds them (sync.server.meetings). The agenda, attendance and each child's
part are one JSON document until the meeting is finalised; then each
child's part becomes that child's `meeting` record (and its actions plan
actions), written through the push, and the row stays as the minutes.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mace_meetings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("meeting_date", sa.Date, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("minutes", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True)),
        sa.Column("finalised_by", sa.String(200)),
    )
    op.create_index("mace_meetings_date", "mace_meetings", ["meeting_date"])


def downgrade() -> None:
    op.drop_index("mace_meetings_date", table_name="mace_meetings")
    op.drop_table("mace_meetings")
