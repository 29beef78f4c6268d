"""0012: The rows the console's trends and hotspots count (`trend_events`,
`hotspot_mentions`, `hotspot_children`; see sync.server.trend_rows for why a derived table),
made from the records already stored.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trend_events",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("child_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("closed_day", sa.String(10)),
        sa.Column("level", sa.String(20)),
        sa.Column("rhi_due", sa.String(19)),
        sa.Column("rhi_done", sa.String(19)),
        sa.Column("restricted_to", sa.String(400)),
    )
    op.create_index("ix_trend_events_child_id", "trend_events", ["child_id"])
    op.create_index("trend_events_kind_day", "trend_events", ["kind", "day"])
    op.create_table(
        "hotspot_mentions",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("what", sa.String(10), primary_key=True),
        sa.Column("key", sa.String(520), primary_key=True),
        sa.Column("child_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("label", sa.String(520), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("restricted_to", sa.String(400)),
    )
    op.create_index("ix_hotspot_mentions_child_id", "hotspot_mentions", ["child_id"])
    op.create_index("hotspot_mentions_what_key", "hotspot_mentions", ["what", "key", "child_id"])
    op.create_table(
        "hotspot_children",
        sa.Column("what", sa.String(10), primary_key=True),
        sa.Column("key", sa.String(520), primary_key=True),
        sa.Column("child_id", sa.String(36), primary_key=True),
        sa.Column("restricted_to", sa.String(400), primary_key=True),
        sa.Column("label", sa.String(520), nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("last_day", sa.String(10), nullable=False),
    )
    op.create_index("hotspot_children_child", "hotspot_children", ["child_id"])
    # Imported here, not at the top: the module reads the tables above.
    from sync.server.trend_rows import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("hotspot_children")
    op.drop_table("hotspot_mentions")
    op.drop_table("trend_events")
