"""0006: Roles, agencies and teams on workers' accounts (see sync.server.roles).

Every account that existed before is what it was in practice: a social
worker of children's social care, in one default team (no manager yet).

The new keys are added inline (`ADD COLUMN ... REFERENCES`), which SQLite
allows for a column whose default is NULL; rebuilding `workers` instead
would need its foreign keys switched off, which cannot be done inside the
migration's transaction.

Revision ID: 0006
Revises: 0005
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DEFAULT_TEAM = "Default team"  # sync.server.roles.DEFAULT_TEAM, frozen here


def upgrade() -> None:
    teams = op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column(
            "manager_id",
            sa.Integer,
            sa.ForeignKey("workers.id", name="teams_manager_id_fkey"),
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column(
        "workers",
        sa.Column("role", sa.String(20), nullable=False, server_default="social_worker"),
    )
    op.add_column(
        "workers", sa.Column("agency", sa.String(30), nullable=False, server_default="csc")
    )
    op.add_column(
        "workers",
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")),
        inline_references=True,
    )
    op.create_index("ix_workers_team_id", "workers", ["team_id"])
    op.bulk_insert(
        teams, [{"name": DEFAULT_TEAM, "manager_id": None, "created_at": datetime.now(UTC)}]
    )
    op.execute(f"UPDATE workers SET team_id = (SELECT id FROM teams WHERE name = '{DEFAULT_TEAM}')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_index("ix_workers_team_id", table_name="workers")
        op.drop_column("workers", "team_id")
        op.drop_column("workers", "agency")
        op.drop_column("workers", "role")
        op.drop_table("teams")
        return
    # SQLite cannot drop a column with a key, so `workers` is made again as
    # 0001 made it, its rows copied aside and back (a rename would carry the
    # devices' keys along to the copy). Keys are checked at commit, once
    # every device points at a worker again.
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TABLE workers_0005 AS SELECT {_KEPT} FROM workers")
    op.drop_table("workers")
    op.drop_table("teams")
    op.create_table(
        "workers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(f"INSERT INTO workers ({_KEPT}) SELECT {_KEPT} FROM workers_0005")
    op.drop_table("workers_0005")


_KEPT = "id, name, password_hash, created_at"
