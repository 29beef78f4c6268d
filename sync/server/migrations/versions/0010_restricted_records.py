"""0010: Need-to-know records: the agencies that may see a record, in an
indexed column the feed filters on (see sync.kinds.restriction).

Records stored before have no `restricted_to` in their data (the field is
new), so every existing row is NULL: seen by every worker holding the child.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records", sa.Column("restricted_to", sa.String(400)))
    op.create_index("records_restricted_to", "records", ["restricted_to"])


def downgrade() -> None:
    op.drop_index("records_restricted_to", table_name="records")
    op.drop_column("records", "restricted_to")
