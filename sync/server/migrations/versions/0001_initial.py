"""The initial central record schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
        sa.Column("escrow", sa.LargeBinary),
        sa.Column("last_seen", TZ),
    )
    op.create_index("ix_devices_worker_id", "devices", ["worker_id"])
    op.create_table(
        "assignments",
        sa.Column("worker_id", sa.Integer, sa.ForeignKey("workers.id"), primary_key=True),
        sa.Column("child_id", sa.String(36), primary_key=True),
    )
    op.create_index("ix_assignments_child_id", "assignments", ["child_id"])
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(counters, [{"name": "change", "value": 0}])
    op.create_table(
        "assignment_events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("worker_id", sa.Integer, nullable=False),
        sa.Column("child_id", sa.String(36), nullable=False),
        sa.Column("assigned", sa.Boolean, nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("assignment_events_worker_seq", "assignment_events", ["worker_id", "seq"])
    op.create_table(
        "records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("child_id", sa.String(36), nullable=False),
        sa.Column("rev", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False, unique=True),
    )
    op.create_index("records_child_seq", "records", ["child_id", "change_seq"])
    op.create_table(
        "revisions",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("rev", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("child_id", sa.String(36), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("mutation_id", sa.String(36)),
    )
    op.create_table(
        "mutations",
        sa.Column("mutation_id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("worker_id", sa.Integer),
        sa.Column("device_id", sa.String(36)),
        sa.Column("at", TZ, nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("child_id", sa.String(36)),
        sa.Column("record_id", sa.String(36)),
        sa.Column("detail", sa.String(200)),
    )
    policy = op.create_table(
        "policy",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("idle_lock_minutes", sa.Integer, nullable=False),
        sa.Column("unlock_attempt_limit", sa.Integer, nullable=False),
        sa.Column("max_offline_days", sa.Integer, nullable=False),
        sa.Column("min_client_version", sa.String(20), nullable=False),
    )
    op.bulk_insert(
        policy,
        [
            {
                "id": 1,
                "idle_lock_minutes": 5,
                "unlock_attempt_limit": 10,
                "max_offline_days": 14,
                "min_client_version": "0.1.0",
            }
        ],
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", TZ, nullable=False),
        sa.Column("locked_until", TZ),
    )


def downgrade() -> None:
    for table in (
        "login_failures",
        "policy",
        "audit_events",
        "mutations",
        "revisions",
        "records",
        "assignment_events",
        "counters",
        "assignments",
        "devices",
        "workers",
    ):
        op.drop_table(table)
