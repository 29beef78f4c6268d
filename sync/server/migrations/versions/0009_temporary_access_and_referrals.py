"""0009: Break-the-glass and referrals.

- `policy.temporary_access_hours`: how long a break-the-glass grant lasts
  (default 24); 0 means the council does not allow break-the-glass. Kept
  beside the wire's `Policy`, not in it: older laptops refuse a policy
  with a field they do not know.
- `temporary_access`: each grant, who, when, why and until when, and the
  assignment event it made (so its expiry unassigns only that hold).
- `referrals`: a child a worker proposed from a laptop, until the central
  team accepts it, merges it into a child it already has, or declines it.
- `child_merges`: which child a merged-away child now is.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("policy") as batch:
        batch.add_column(
            sa.Column("temporary_access_hours", sa.Integer, nullable=False, server_default="24")
        )
    op.create_table(
        "temporary_access",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("device_id", sa.String(36)),
        sa.Column("child_id", sa.String(36), nullable=False, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("assigned_seq", sa.BigInteger, nullable=False),
        sa.Index("temporary_access_worker", "worker_id", "ended_at"),
    )
    op.create_table(
        "referrals",
        sa.Column("child_id", sa.String(36), primary_key=True),
        sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("merged_into", sa.String(36)),
    )
    op.create_table(
        "child_merges",
        sa.Column("child_id", sa.String(36), primary_key=True),
        sa.Column("into_id", sa.String(36), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("child_merges")
    op.drop_table("referrals")
    op.drop_table("temporary_access")
    with op.batch_alter_table("policy") as batch:
        batch.drop_column("temporary_access_hours")
