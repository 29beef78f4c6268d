"""The outbox: local writes waiting to reach the central record.

A mutation is written in the same transaction as the change it records.
While a mutation has not been handed to the network it is coalesced with
later edits of the same record (autosave writes a draft every two seconds);
once a push has started it is never edited, because the server may already
hold it under its mutation id.

A row's `made_at` is when the text it carries was first typed: coalescing
keeps the first row's, so an edit typed over an afternoon is "made" when the
worker started it. The central record uses it to accept work a worker typed
while they still held a child (see `sync.wire.Mutation.made_at`).

Refused mutations stay here in state 'rejected', with the central record's
reason, until the worker settles them (`desktop.refused`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlcipher3

from desktop.england import utc_text
from sync.wire import Mutation, Record


def enqueue(
    conn: sqlcipher3.Connection,
    record: Record,
    *,
    made_at: datetime | str | None = None,
    fresh: bool = False,
) -> str:
    """Record a local write; returns the mutation id that will carry it.

    `made_at` (default: now) is when its text was first typed; folded into
    an unsent row, the earlier of the two is kept. `fresh` never folds: the
    write gets a mutation of its own on `record.rev` (a conflict resolution
    must not inherit an older mutation's base revision).
    """
    made = _iso(made_at) if made_at is not None else None
    row = (
        None
        if fresh
        else conn.execute(
            "SELECT seq, mutation_id FROM outbox WHERE record_id = ? AND state = 'pending'"
            " AND sent_at IS NULL ORDER BY seq DESC LIMIT 1",
            (str(record.id),),
        ).fetchone()
    )
    payload = record.model_dump_json()
    if row:
        conn.execute(
            "UPDATE outbox SET record = ?, made_at = min(coalesce(made_at, created_at),"
            " coalesce(?, made_at, created_at)) WHERE seq = ?",
            (payload, made, row[0]),
        )
        return row[1]
    mutation_id = str(uuid.uuid4())
    now = datetime.now(UTC).isoformat()
    conn.execute(
        "INSERT INTO outbox (mutation_id, record_id, child_id, kind, base_rev, record,"
        " created_at, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            mutation_id,
            str(record.id),
            str(record.child_id),
            record.kind,
            record.rev,
            payload,
            now,
            made or now,
        ),
    )
    return mutation_id


def _iso(moment: datetime | str) -> str:
    return moment if isinstance(moment, str) else utc_text(moment)


def drop_unsent(conn: sqlcipher3.Connection, record_id: str) -> None:
    """Forget the record's queued, never-sent edits (the caller has folded
    them into a new write: a conflict resolution)."""
    conn.execute(
        "DELETE FROM outbox WHERE record_id = ? AND state = 'pending' AND sent_at IS NULL",
        (str(record_id),),
    )


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    mutation: Mutation
    sent: bool
    state: str
    reason: str | None
    #: refused entries: the data of the revision the edit was made on, when known
    base: str | None = None
    refused_at: str | None = None

    @property
    def made_at(self) -> datetime:
        """When its text was first typed. Every row has one: it is read as
        `coalesce(made_at, created_at)`."""
        if self.mutation.made_at is None:
            raise RuntimeError(f"outbox row {self.seq} has no creation time")
        return self.mutation.made_at


def _entry(row: tuple) -> OutboxEntry:
    seq, mutation_id, base_rev, record, sent_at, state, reason, made_at, base, refused_at = row
    mutation = Mutation(
        mutation_id=mutation_id,
        record=Record.model_validate_json(record),
        base_rev=base_rev,
        made_at=made_at,
    )
    return OutboxEntry(seq, mutation, sent_at is not None, state, reason, base, refused_at)


_SELECT = (
    "SELECT seq, mutation_id, base_rev, record, sent_at, state, reason,"
    " coalesce(made_at, created_at), base, refused_at FROM outbox"
)


def pending(conn: sqlcipher3.Connection, limit: int | None = None) -> list[OutboxEntry]:
    sql = _SELECT + " WHERE state = 'pending' ORDER BY seq"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_entry(r) for r in conn.execute(sql)]


def rejected(conn: sqlcipher3.Connection) -> list[OutboxEntry]:
    return [_entry(r) for r in conn.execute(_SELECT + " WHERE state = 'rejected' ORDER BY seq")]


def rejected_entry(conn: sqlcipher3.Connection, mutation_id: str) -> OutboxEntry | None:
    row = conn.execute(
        _SELECT + " WHERE state = 'rejected' AND mutation_id = ?", (str(mutation_id),)
    ).fetchone()
    return _entry(row) if row else None


def pending_count(conn: sqlcipher3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]


def pending_record_ids(conn: sqlcipher3.Connection) -> set[str]:
    return {
        r[0] for r in conn.execute("SELECT DISTINCT record_id FROM outbox WHERE state = 'pending'")
    }
