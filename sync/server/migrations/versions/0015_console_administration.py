"""0015: Console administration: an account can be disabled (and enabled
again) without losing it, and a device says which version of Caseworker
last spoke for it.

Existing accounts are enabled (`disabled_at` NULL); existing devices have
no version until their next request.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workers", sa.Column("disabled_at", sa.DateTime(timezone=True)))
    op.add_column("devices", sa.Column("client_version", sa.String(20)))


def downgrade() -> None:
    # Plain columns without keys: SQLite (3.35 and later) drops them in place,
    # where a batch copy of `workers` would trip the keys that point at it.
    op.drop_column("devices", "client_version")
    op.drop_column("workers", "disabled_at")
