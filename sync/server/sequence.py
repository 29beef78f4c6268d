"""The change sequence: one number space for record changes and caseload
changes, which the feed orders by.

Every writer takes the write lock before its first sequence number, so a
sequence number commits before any later one, and a feed reader that sees
sequence N has seen every committed change below N — no gaps to skip.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.schema import counters


def take_write_lock(conn: Connection) -> None:
    """Serialise writers from here to commit (a row lock on PostgreSQL, the
    database write lock on SQLite)."""
    conn.execute(
        sa.update(counters).where(counters.c.name == "change").values(value=counters.c.value)
    )


def take_seqs(conn: Connection, n: int = 1) -> list[int]:
    """n consecutive change sequence numbers (the caller holds the write lock)."""
    top = conn.execute(
        sa.update(counters)
        .where(counters.c.name == "change")
        .values(value=counters.c.value + n)
        .returning(counters.c.value)
    ).scalar_one()
    return list(range(top - n + 1, top + 1))


def committed_seq(conn: Connection) -> int:
    """The highest sequence number a reader may pass."""
    return conn.execute(sa.select(counters.c.value).where(counters.c.name == "change")).scalar_one()
