"""0019: The rows the coordinator's daily list reads (`daily_rows`; see
sync.server.daily_rows for why a derived table), made from the records
already stored; and how long each return home interview took
(`trend_events.rhi_minutes`), so the trends can count within a council's
own hours, made again with the rest of the trends' rows.

Revision ID: 0019
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_rows",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("child_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("updated_at", sa.String(19), nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("day", sa.String(10)),
        sa.Column("returned", sa.String(19)),
        sa.Column("level", sa.String(20)),
        sa.Column("name", sa.String(400)),
        sa.Column("restricted_to", sa.String(400)),
    )
    op.create_index("daily_rows_child", "daily_rows", ["child_id", "kind", "day"])
    op.create_index(
        "daily_rows_kind",
        "daily_rows",
        ["kind", "restricted_to"],
        postgresql_include=["child_id", "open", "day", "returned", "level", "name"],
    )
    op.create_index("daily_rows_updated", "daily_rows", ["updated_at"])
    op.add_column("trend_events", sa.Column("rhi_minutes", sa.Integer))
    # Imported here, not at the top: the modules read the tables above.
    from sync.server import daily_rows, trend_rows

    daily_rows.rebuild(op.get_bind())
    trend_rows.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_column("trend_events", "rhi_minutes")
    op.drop_table("daily_rows")
