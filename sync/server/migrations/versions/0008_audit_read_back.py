"""0008: The audit trail read back (sync.server.audit_trail): when the
central record received each event, and an index to read one child's
events in time order.

A laptop's events keep the time they happened (`at`); `received_at` is
when their upload arrived, so the trail can say "uploaded later". Events
stored before this revision have none, and read as they always did.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("received_at", sa.DateTime(timezone=True)))
    op.create_index("audit_events_child_at", "audit_events", ["child_id", "at", "id"])


def downgrade() -> None:
    op.drop_index("audit_events_child_at", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("received_at")
