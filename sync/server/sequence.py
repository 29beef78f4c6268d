"""The change sequence: one number space for record changes and caseload
changes, which the feed orders by, and the locks that let writers run side
by side without a reader ever passing a gap that could still fill
(invariant 3).

SQLite has one writer at a time: every write transaction takes the database
write lock (BEGIN IMMEDIATE) and then the `counters` row, so sequence numbers
commit in order and everything at or below the counter is final.

On PostgreSQL writers run in parallel, and a number taken from a sequence
may commit after a larger one. How a reader still never passes a gap:

1. A transaction takes all its sequence numbers in one call of
   `take_change_seqs` (a function created by migration 0004), before its
   first write. Under a session advisory lock held for just that call, the
   function assigns the transaction its id (`pg_current_xact_id()`) and a
   block of consecutive numbers from the `change_seq` sequence, then
   records (transaction id, last number of the block) in `change_batches`,
   a row that becomes visible when, and only if, the transaction commits.
   Because ids and blocks are handed out together under the lock, and a
   transaction with an id cannot take a second block (the function refuses),
   the order of transaction ids is the order of blocks: a transaction with
   a smaller id has only smaller sequence numbers.
2. A reader takes `xmin = pg_snapshot_xmin(pg_current_snapshot())`, the
   oldest transaction id still running anywhere. Every transaction below
   xmin has finished — committed or rolled back — for good.
3. The watermark is the `last_seq` of the `change_batches` row with the
   largest id below xmin (one index probe). Every sequence number at or
   below it belongs to a transaction with an id no larger than that row's,
   so below xmin: finished. A number at or below the watermark is either
   committed and visible to the reader's snapshot, or belongs to a
   transaction that rolled back, and stays a gap forever. A running
   transaction has an id at or above xmin and therefore numbers above the
   watermark. The watermark never goes down (xmin never does, and committed
   rows stay), so a cursor at or below it stays valid.

The price is that a long transaction holds the watermark back until it
ends (the feed waits; nothing is skipped), as the old counter lock held
back every writer.

What the global lock used to give besides order is kept by advisory locks
on what a write touches, taken in one sorted order so two writers cannot
deadlock: each child a push or an assignment changes (so the rules across a
child's records and the caseload checks see every earlier write to it),
and the device that pushes (so a replayed mutation id finds its first
answer). A write touching many children at once (a bulk load) takes the
whole record instead: `WHOLE` exclusively, which every other writer holds
shared.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.schema import counters

# More children than this in one write and it locks the whole record: the
# lock table is shared and has room for a few thousand locks in all.
MANY_CHILDREN = 64
_WHOLE = "whole record"


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def lock_for_write(
    conn: Connection, *, children: Iterable[str] = (), device: str | None = None
) -> None:
    """Lock what a write transaction is about to change, until it ends: the
    children it writes to (more than MANY_CHILDREN: the whole record) and
    the device whose mutation ids it stores."""
    if not _postgres(conn):
        _take_counter_row(conn)
        return
    keys = {f"child:{c}" for c in children}
    if len(keys) > MANY_CHILDREN:
        lock_whole_record(conn)
        return
    if device is not None:
        keys.add(f"device:{device}")
    conn.execute(
        sa.text("SELECT pg_advisory_xact_lock_shared(hashtextextended(:k, 0))"), {"k": _WHOLE}
    )
    if keys:
        conn.execute(
            sa.text(
                "SELECT count(pg_advisory_xact_lock(h)) FROM "
                "(SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(CAST(:keys AS text[])) k "
                "ORDER BY h) sorted"
            ),
            {"keys": sorted(keys)},
        )


_LOCK_KEYS = sa.text(
    "SELECT pg_advisory_xact_lock_shared(hashtextextended(:whole, 0)), "
    "(SELECT count(pg_advisory_xact_lock(h)) FROM "
    " (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(CAST(:keys AS text[])) k "
    "  ORDER BY h) sorted)"
)


def lock_whole_record(conn: Connection) -> None:
    """Wait for every other writer to finish and keep them out until this
    transaction ends (bulk loads)."""
    if not _postgres(conn):
        _take_counter_row(conn)
        return
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": _WHOLE})


def _take_counter_row(conn: Connection) -> None:
    conn.execute(
        sa.update(counters).where(counters.c.name == "change").values(value=counters.c.value)
    )


def take_seqs(conn: Connection, n: int = 1) -> list[int]:
    """n consecutive change sequence numbers. On PostgreSQL, once per
    transaction and before its first write (see the module docstring)."""
    if _postgres(conn):
        top = conn.execute(sa.text("SELECT take_change_seqs(:n)"), {"n": n}).scalar_one()
    else:
        top = conn.execute(
            sa.update(counters)
            .where(counters.c.name == "change")
            .values(value=counters.c.value + n)
            .returning(counters.c.value)
        ).scalar_one()
    return list(range(top - n + 1, top + 1))


_WATERMARK = sa.text(
    "SELECT last_seq FROM change_batches "
    "WHERE xid < CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS text) AS bigint) "
    "ORDER BY xid DESC LIMIT 1"
)


def committed_seq(conn: Connection) -> int:
    """The highest sequence number a reader may pass: every change at or
    below it is committed and visible, or rolled back for good."""
    if _postgres(conn):
        return conn.execute(_WATERMARK).scalar_one()
    return conn.execute(sa.select(counters.c.value).where(counters.c.name == "change")).scalar_one()
