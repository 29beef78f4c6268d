"""0007: Why a worker holds a child (`via`): allocated to them, or held
through the team they manage (sync.server.team_holds).

Every hold and assignment event before this was an allocation. A team
whose manager was named before this migration gets its team's children at
the next change to the team (`team set-manager`, a worker's allocation, a
member joining or leaving): the holds need change sequence numbers, which
PostgreSQL hands a transaction only before its first write, and this one
has already altered tables.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("assignments", "assignment_events"):
        op.add_column(
            table, sa.Column("via", sa.String(20), nullable=False, server_default="allocated")
        )


def downgrade() -> None:
    # A manager's team holds stay, as allocations: the holds and their
    # events still agree, so no feed misses or repeats a change.
    with op.batch_alter_table("assignment_events") as batch:
        batch.drop_column("via")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("via")
