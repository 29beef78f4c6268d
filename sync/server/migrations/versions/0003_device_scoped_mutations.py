"""Mutation ids belong to the device that sent them, with a hash of what each
carried: a replay of another device's id is a new mutation, and a reused id
with other content is refused instead of answered as a retry.

The table is rebuilt (a primary key cannot be changed in place on SQLite);
every stored answer is kept, under the device that sent it, without a hash.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
_COPIED = "device_id, mutation_id, result, created_at"


def _set_aside(table: str, new_name: str) -> None:
    op.rename_table(table, new_name)
    if op.get_bind().dialect.name == "postgresql":
        # The key's index keeps its name through a rename; free it for the new table.
        op.execute(f"ALTER TABLE {new_name} RENAME CONSTRAINT {table}_pkey TO {new_name}_pkey")


def upgrade() -> None:
    _set_aside("mutations", "mutations_0002")
    op.create_table(
        "mutations",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("mutation_id", sa.String(36), primary_key=True),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.execute(f"INSERT INTO mutations ({_COPIED}) SELECT {_COPIED} FROM mutations_0002")
    op.drop_table("mutations_0002")


def downgrade() -> None:
    _set_aside("mutations", "mutations_0003")
    op.create_table(
        "mutations",
        sa.Column("mutation_id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    # Ids that two devices both used cannot both stay: the first kept wins.
    op.execute(
        f"INSERT INTO mutations ({_COPIED}) SELECT {_COPIED} FROM mutations_0003 m "
        "WHERE NOT EXISTS (SELECT 1 FROM mutations_0003 o WHERE o.mutation_id = m.mutation_id "
        "AND (o.created_at < m.created_at OR (o.created_at = m.created_at "
        "AND o.device_id < m.device_id)))"
    )
    op.drop_table("mutations_0003")
