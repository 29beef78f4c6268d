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
2. Only this database's transactions can hold a block: `change_seq`,
   `take_change_seqs` and `change_batches` live in it. A reader takes its
   snapshot S and, in the same statement, reads the transaction id of
   every backend of the server with the database it is connected to
   (`pg_stat_get_activity`, which shows an id by its low 32 bits: ids
   running at once are less than 2^31 apart; a backend whose id or
   database is hidden from this role counts as not seen, which can only
   stop a reader sooner). Its bound m is the smallest id S counts as
   running (`pg_snapshot_xip`) that is not seen running in ANOTHER
   database; if there is none, S's xmax (the first id S does not count as
   finished). An id seen in another database belongs to a transaction
   there, now and for as long as it runs (ids are not reused), so it holds
   no block of ours and is passed; an id seen here, or not seen at all (it
   ended after S, and its rows may be invisible to S), stops the reader.
   So a transaction open in another database no longer holds this one's
   feed.
3. The watermark is the `last_seq` of the `change_batches` row visible in
   S with the largest id below m (one index probe). Every number at or
   below it belongs to a transaction with an id no larger than that
   row's, hence below m: such a transaction is not running at S in this
   database (ids S counts as running and below m were all seen
   elsewhere), so it finished before S — committed and visible to S, or
   rolled back, a gap that never fills. A transaction of ours running at S
   has an id of at least m, and so numbers above the watermark. The feed
   reads the page with S or a later snapshot (REPEATABLE READ or not).

The watermark does not go down over time, with one exception: an id
passed because it was seen in another database may end between a later
reader's snapshot and its read of the backends, and then stop that
reader. The feed therefore accepts a cursor above the watermark if the
number was handed out (`issued_seq`) and goes no further than the cursor:
it was at or below a watermark when a page issued it, and what was final
then stays final. (A device that forges such a cursor can only make itself
miss changes, as it could by forging any cursor below the watermark.)

Batches no reader can need are deleted every thousand numbers, in the
transaction that takes a block crossing a thousand: those below the newest
other committed batch B under the server-wide xmin of its snapshot. A
reader whose snapshot comes later has a bound m at or above its own xmin,
which is at or above that one (an id running later and smaller would have
been running then), so it still finds B or a newer row.

The price is that a long transaction in this database holds the
watermark back until it ends (the feed waits; nothing is skipped), as the
old counter lock held back every writer. Prepared transactions (two-phase
commit, which the service does not use) have no backend and would stop
readers until resolved.

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


def lock_named(conn: Connection, name: str) -> None:
    """Serialise, until this transaction ends, the transactions that take
    the same `name`: a check and the write it guards are then one step
    (two central-team additions of one NHS number cannot both pass it)."""
    if not _postgres(conn):
        _take_counter_row(conn)
        return
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": name})


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


# The watermark (argument 2 and 3 in the module docstring): below the
# oldest transaction running at this snapshot that is not seen running in
# another database, the last number of the newest batch visible here.
_WATERMARK_SQL = (
    "WITH snap AS (SELECT pg_current_snapshot() AS s), "
    "elsewhere AS ("
    " SELECT a.backend_xid::text::bigint AS xid FROM pg_stat_get_activity(NULL) a"
    " WHERE a.backend_xid IS NOT NULL"
    " AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())), "
    "bound AS ("
    " SELECT coalesce(min(x::text::bigint),"
    "  (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap)) AS xid"
    " FROM snap, pg_snapshot_xip(snap.s) x"
    " WHERE x::text::bigint % 4294967296 NOT IN (SELECT xid FROM elsewhere)) "
    "SELECT last_seq FROM change_batches WHERE xid < (SELECT xid FROM bound) "
    "ORDER BY xid DESC LIMIT 1"
)
_WATERMARK = sa.text(_WATERMARK_SQL)


def committed_seq(conn: Connection) -> int:
    """The highest sequence number a reader may pass: every change at or
    below it is committed and visible, or rolled back for good."""
    if _postgres(conn):
        return conn.execute(_WATERMARK).scalar_one()
    return conn.execute(sa.select(counters.c.value).where(counters.c.name == "change")).scalar_one()


def committed_seq_column(dialect: str) -> sa.ColumnElement[int]:
    """`committed_seq` as a scalar expression for `dialect` (the engine's
    dialect name), for a statement that reads the watermark and what lies
    below it in one snapshot."""
    if dialect == "postgresql":
        return sa.literal_column(f"({_WATERMARK_SQL})", sa.BigInteger)
    return sa.select(counters.c.value).where(counters.c.name == "change").scalar_subquery()


def issued_seq(conn: Connection) -> int:
    """The highest sequence number handed out so far, committed or not: no
    cursor this service issued lies above it."""
    if _postgres(conn):
        return conn.execute(sa.text("SELECT last_value FROM change_seq")).scalar_one()
    return committed_seq(conn)
