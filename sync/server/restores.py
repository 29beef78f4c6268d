"""Restores from backup: how laptops learn the central record went back in time.

A restore from an older backup loses every change made after the backup
was taken. Laptops that synced in between hold cursors from the lost
timeline and copies of what was lost. Two ways a laptop could be misled:

1. Its cursor is ahead of the restored feed. The feed already refuses it
   (`feed.page`), now with the code `cursor_ahead`, which the laptop takes
   as a restore.
2. Its cursor is NOT ahead: writes after the restore reused the sequence
   numbers the lost timeline had used (pg_dump saves the sequences too).
   The laptop would ask "what changed after 150?" and silently miss the new
   timeline's 101..150. Nothing in the cursor can show this.

For (2) the record has an epoch: a number kept in the database (the
`counters` row `restores`, so no migration), served at `GET /record-epoch`,
that the operator's step after a restore, `central-record restored`, bumps.
A laptop keeps the epoch it last synced against; another epoch means "this
record was restored", and the laptop re-reads its whole caseload and sends
back what it holds that the record lost (desktop.restored).

Why an operator step and not detection: a backup restores the epoch with
everything else, so the database cannot tell a restored copy from the
original; the other candidates fail in ordinary restores (the database's
OID stays the same under `pg_restore --clean`; a checksum of the cursor's
last change needs a history of every change the feed sent, which the
service does not keep — a record's row holds only its newest revision).
The step is in the documented restore order (docs/operating.md). If it
is forgotten, (1) still catches it: the first cursor ahead that a service
process is shown bumps the epoch itself (`AheadNotice`), before the first
laptop's own re-sends carry the feed past the other laptops' cursors and
(2) would hide it from them. Once per process, not per laptop: every
laptop ahead after one restore would otherwise make every other laptop
re-read again. A cursor this service issued is never ahead of it, so only a
restore (or a device forging its cursor) does this; each bump is audited
with the device that showed the cursor. Bumping the epoch when nothing was
lost costs each laptop one full re-read, nothing more.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.server.audit import record_audit
from sync.server.schema import counters

log = logging.getLogger(__name__)

EPOCH_COUNTER = "restores"


def record_epoch(conn: Connection) -> int:
    """The number of restores marked; 0 for a record never restored."""
    value = conn.execute(
        sa.select(counters.c.value).where(counters.c.name == EPOCH_COUNTER)
    ).scalar_one_or_none()
    return int(value or 0)


def mark_restored(engine: Engine) -> int:
    """After a restore: a new epoch, so every laptop re-reads and re-sends. The new epoch."""
    with engine.begin() as conn:
        epoch = record_epoch(conn) + 1
        updated = conn.execute(
            sa.update(counters).where(counters.c.name == EPOCH_COUNTER).values(value=epoch)
        ).rowcount
        if not updated:
            conn.execute(sa.insert(counters).values(name=EPOCH_COUNTER, value=epoch))
    return epoch


class AheadNotice:
    """The first cursor ahead of the feed a service process sees bumps the epoch."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._noticed = False

    def cursor_ahead(self, worker_id: int, device_id: str) -> None:
        with self._lock:
            if self._noticed:
                return
            self._noticed = True
        epoch = mark_restored(self.engine)
        log.warning("a cursor ahead of the feed: restored from a backup? epoch now %d", epoch)
        with self.engine.begin() as conn:
            record_audit(
                conn,
                action="restore_noticed",
                worker_id=worker_id,
                device_id=device_id,
                detail=f"epoch {epoch}",
            )
