"""The outbox: local writes waiting to reach the central record.

A mutation is written in the same transaction as the change it records.
While a mutation has not been handed to the network it is coalesced with
later edits of the same record (autosave writes a draft every two seconds);
once a push has started it is never edited, because the server may already
hold it under its mutation id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlcipher3

from sync.wire import Mutation, Record


def enqueue(conn: sqlcipher3.Connection, record: Record) -> str:
    """Record a local write; returns the mutation id that will carry it."""
    row = conn.execute(
        "SELECT seq, mutation_id FROM outbox WHERE record_id = ? AND state = 'pending'"
        " AND sent_at IS NULL ORDER BY seq DESC LIMIT 1",
        (str(record.id),),
    ).fetchone()
    payload = record.model_dump_json()
    if row:
        conn.execute("UPDATE outbox SET record = ? WHERE seq = ?", (payload, row[0]))
        return row[1]
    mutation_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO outbox (mutation_id, record_id, child_id, kind, base_rev, record, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            mutation_id,
            str(record.id),
            str(record.child_id),
            record.kind,
            record.rev,
            payload,
            datetime.now(UTC).isoformat(),
        ),
    )
    return mutation_id


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    mutation: Mutation
    sent: bool
    state: str
    reason: str | None


def _entry(row: tuple) -> OutboxEntry:
    seq, mutation_id, base_rev, record, sent_at, state, reason = row
    mutation = Mutation(
        mutation_id=mutation_id, record=Record.model_validate_json(record), base_rev=base_rev
    )
    return OutboxEntry(seq, mutation, sent_at is not None, state, reason)


_SELECT = "SELECT seq, mutation_id, base_rev, record, sent_at, state, reason FROM outbox"


def pending(conn: sqlcipher3.Connection, limit: int | None = None) -> list[OutboxEntry]:
    sql = _SELECT + " WHERE state = 'pending' ORDER BY seq"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_entry(r) for r in conn.execute(sql)]


def rejected(conn: sqlcipher3.Connection) -> list[OutboxEntry]:
    return [_entry(r) for r in conn.execute(_SELECT + " WHERE state = 'rejected' ORDER BY seq")]


def pending_count(conn: sqlcipher3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]


def pending_record_ids(conn: sqlcipher3.Connection) -> set[str]:
    return {
        r[0] for r in conn.execute("SELECT DISTINCT record_id FROM outbox WHERE state = 'pending'")
    }
