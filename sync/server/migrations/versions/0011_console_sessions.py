"""0011: The web console's sign-in sessions, and its two policy settings.

- `console_sessions`: one row per console sign-in. Only a hash of the
  session token is stored (as for device tokens): the row cannot be
  turned back into a cookie. A session ends by signing out, by the
  policy's idle time, by its absolute lifetime, or when its account may
  no longer use the console; `ended_why` says which.
- `policy.console_idle_minutes` (default 15) and `policy.council_name`
  (shown in the console's header). Kept beside the wire's `Policy`, not
  in it: older laptops refuse a policy with a field they do not know.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("policy") as batch:
        batch.add_column(
            sa.Column("console_idle_minutes", sa.Integer, nullable=False, server_default="15")
        )
        batch.add_column(
            sa.Column("council_name", sa.String(200), nullable=False, server_default="The council")
        )
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("ended_why", sa.String(20)),
        sa.Index("console_sessions_worker", "worker_id", "ended_at"),
    )


def downgrade() -> None:
    op.drop_table("console_sessions")
    with op.batch_alter_table("policy") as batch:
        batch.drop_column("council_name")
        batch.drop_column("console_idle_minutes")
