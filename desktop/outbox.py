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

from desktop.bulk import json_list
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


def handed_over(conn: sqlcipher3.Connection, record_id: str) -> bool:
    """Whether any mutation of the record has been handed to the network
    (or refused by it): from then on the central record may hold it."""
    return bool(
        conn.execute(
            "SELECT count(*) FROM outbox WHERE record_id = ?"
            " AND (sent_at IS NOT NULL OR state <> 'pending')",
            (str(record_id),),
        ).fetchone()[0]
    )


def forget_record(conn: sqlcipher3.Connection, record_id: str) -> None:
    """Every mutation of the record, whatever its state (a record taken
    back before it was ever sent)."""
    conn.execute("DELETE FROM outbox WHERE record_id = ?", (str(record_id),))


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


def rejected_count(conn: sqlcipher3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM outbox WHERE state = 'rejected'").fetchone()[0]


def pending_record_ids(conn: sqlcipher3.Connection) -> set[str]:
    return {
        r[0] for r in conn.execute("SELECT DISTINCT record_id FROM outbox WHERE state = 'pending'")
    }


# -- the sync engine's side (desktop.replica) ----------------------------------


def claim_batch(
    conn: sqlcipher3.Connection, limit: int, exclude: frozenset[str] = frozenset()
) -> list[Mutation]:
    """The next mutations to push: the oldest waiting one of each record not
    in conflict (nor in `exclude`), at most `limit`. Each is marked sent
    before it leaves: from then on it may exist on the server, so it is
    never edited again. Run inside the caller's transaction."""
    rows = conn.execute(
        "SELECT seq, mutation_id, base_rev, record, record_id,"
        " coalesce(made_at, created_at) FROM outbox o"
        " WHERE state = 'pending'"
        " AND seq = (SELECT min(seq) FROM outbox p WHERE p.record_id = o.record_id"
        " AND p.state = 'pending')"
        " AND record_id NOT IN (SELECT record_id FROM conflicts)"
        " ORDER BY seq LIMIT ?",
        (limit + len(exclude),),
    ).fetchall()
    rows = [r for r in rows if r[4] not in exclude][:limit]
    conn.execute(
        "UPDATE outbox SET sent_at = coalesce(sent_at, ?)"
        " WHERE seq IN (SELECT value FROM json_each(?))",
        (datetime.now(UTC).isoformat(), json_list([r[0] for r in rows])),
    )
    return [
        Mutation(
            mutation_id=r[1], base_rev=r[2], record=Record.model_validate_json(r[3]), made_at=r[5]
        )
        for r in rows
    ]


def settle(conn: sqlcipher3.Connection, mutation_ids: list[str]) -> None:
    """The central record holds these mutations: they leave the outbox (one statement)."""
    conn.execute(
        "DELETE FROM outbox WHERE mutation_id IN (SELECT value FROM json_each(?))",
        (json_list(mutation_ids),),
    )


def forget(conn: sqlcipher3.Connection, mutation_id: str) -> None:
    """One mutation leaves the outbox (a refused edit the worker settled)."""
    conn.execute("DELETE FROM outbox WHERE mutation_id = ?", (str(mutation_id),))


def pending_among(conn: sqlcipher3.Connection, record_ids: list[str]) -> set[str]:
    """Which of these records still have edits waiting to send."""
    rows = conn.execute(
        "SELECT DISTINCT record_id FROM outbox WHERE state = 'pending'"
        " AND record_id IN (SELECT value FROM json_each(?))",
        (json_list(record_ids),),
    )
    return {r[0] for r in rows}


def has_pending(conn: sqlcipher3.Connection, record_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM outbox WHERE record_id = ? AND state = 'pending' LIMIT 1",
            (str(record_id),),
        ).fetchone()
        is not None
    )


def queued(conn: sqlcipher3.Connection, record_id: str) -> list[tuple[int, Record]]:
    """The record's edits waiting to send, oldest first, with their row numbers."""
    rows = conn.execute(
        "SELECT seq, record FROM outbox WHERE record_id = ? AND state = 'pending' ORDER BY seq",
        (str(record_id),),
    )
    return [(seq, Record.model_validate_json(raw)) for seq, raw in rows]


def rebase(conn: sqlcipher3.Connection, seq: int, record: Record) -> None:
    """A queued edit now goes on `record.rev` (a newer revision was stored)."""
    conn.execute(
        "UPDATE outbox SET base_rev = ?, record = ? WHERE seq = ?",
        (record.rev, record.model_dump_json(), seq),
    )


def drop_pending(conn: sqlcipher3.Connection, record_id: str) -> None:
    """Every waiting edit of the record, sent or not (folded into a conflict's "mine")."""
    conn.execute("DELETE FROM outbox WHERE record_id = ? AND state = 'pending'", (str(record_id),))


def mark_refused(
    conn: sqlcipher3.Connection, mutation_id: str, *, reason: str, base: str | None
) -> None:
    """The central record refused the mutation: it stays, with why and the
    data of the revision it was made on (JSON), until the worker settles it."""
    conn.execute(
        "UPDATE outbox SET state = 'rejected', reason = ?, base = ?, refused_at = ?"
        " WHERE mutation_id = ?",
        (reason, base, datetime.now(UTC).isoformat(), str(mutation_id)),
    )


# -- when the text was typed ---------------------------------------------------


def backdate(conn: sqlcipher3.Connection, record_id: str, made_at: datetime | str) -> None:
    """The record's unsent edits were typed no later than `made_at` (a
    refused edit sent again keeps when it was first typed)."""
    conn.execute(
        "UPDATE outbox SET made_at = min(coalesce(made_at, created_at), ?)"
        " WHERE record_id = ? AND state = 'pending' AND sent_at IS NULL",
        (_text(made_at), str(record_id)),
    )


def date_waiting(conn: sqlcipher3.Connection, record_id: str, made_at: datetime | str) -> None:
    """The record's waiting edits were made at `made_at` (an addendum that
    keeps older text)."""
    conn.execute(
        "UPDATE outbox SET made_at = ? WHERE record_id = ? AND state = 'pending'",
        (_text(made_at), str(record_id)),
    )


def _text(moment: datetime | str) -> str:
    return moment if isinstance(moment, str) else moment.isoformat()


def count_for_child(conn: sqlcipher3.Connection, child_id: str) -> int:
    """A child's mutations in any state (waiting, in flight or refused)."""
    return conn.execute("SELECT count(*) FROM outbox WHERE child_id = ?", (child_id,)).fetchone()[0]


def waiting_or_refused_for_base(conn: sqlcipher3.Connection, refusals: str) -> list[tuple]:
    """(seq, record_id, record JSON) of every pending mutation, and of every
    one refused with a reason LIKE `refusals` (a lost base), in order."""
    return conn.execute(
        "SELECT seq, record_id, record FROM outbox WHERE state = 'pending'"
        " OR (state = 'rejected' AND reason LIKE ?) ORDER BY seq",
        (refusals,),
    ).fetchall()


def resend(conn: sqlcipher3.Connection, seq: int, record: Record) -> None:
    """Send mutation `seq` again as new, on `record.rev`, under a new id."""
    conn.execute(
        "UPDATE outbox SET mutation_id = ?, base_rev = ?, record = ?, sent_at = NULL,"
        " state = 'pending', reason = NULL, refused_at = NULL WHERE seq = ?",
        (str(uuid.uuid4()), record.rev, record.model_dump_json(), seq),
    )
