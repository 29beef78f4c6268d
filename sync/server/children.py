"""The central record's children as people: the same child never added
twice, and two records of one child merged into one.

Duplicates: a child with the NHS number of a child already on the record
is refused, naming that child; one with the same name and date of birth as
another is a warning the central team must choose to pass
(`--even-if-similar`): twins and common names exist.

Merging keeps everything. Every record of the merged-away child is written
again under the surviving child's id, as a new revision (its history, under
the old id, stays); the merged-away child's own record becomes a tombstone
(its revisions stay too), and `child_merges` says which child it now is.
Everyone who held it holds the surviving child instead, so their laptops
receive that child whole and purge the other (after its pending work); a
laptop's edit still naming the merged-away child is taken as an edit of
the surviving one (`push`), so nothing typed offline becomes an orphan.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.people import display_name
from sync.server.caseload import record_assignment
from sync.server.revisions import as_record, write_revisions
from sync.server.schema import assignments, child_merges, records
from sync.server.sequence import lock_for_write, lock_named, take_seqs


@dataclass(frozen=True)
class Existing:
    child_id: str
    name: str
    date_of_birth: str

    def words(self) -> str:
        return f"child {self.child_id} ({self.name}, born {self.date_of_birth})"


def _children(conn: Connection, exclude: str | None = None) -> list[tuple[str, dict]]:
    query = sa.select(records.c.id, records.c.data).where(
        records.c.kind == "child", records.c.deleted.is_(False)
    )
    if exclude is not None:
        query = query.where(records.c.id != exclude)
    return [(cid, json.loads(raw)) for cid, raw in conn.execute(query)]


def _existing(child_id: str, data: dict) -> Existing:
    return Existing(child_id, display_name(data), str(data.get("date_of_birth")))


def hold_identities(conn: Connection) -> None:
    """Taken by a transaction that checks for duplicates and then adds a
    child, before the check: until it ends, no other can add one."""
    lock_named(conn, "children:identities")


def same_nhs_number(conn: Connection, data: dict, exclude: str | None = None) -> Existing | None:
    """The child already on the record with this child's NHS number, if any."""
    nhs = (data.get("identifiers") or {}).get("nhs_number")
    if not nhs:
        return None
    for cid, other in _children(conn, exclude):
        if (other.get("identifiers") or {}).get("nhs_number") == nhs:
            return _existing(cid, other)
    return None


def similar(conn: Connection, data: dict, exclude: str | None = None) -> list[Existing]:
    """Children with the same first and last name (any case) and date of birth."""

    def key(d: dict) -> tuple[str, str, str]:
        return (
            str(d.get("first_name", "")).strip().lower(),
            str(d.get("last_name", "")).strip().lower(),
            str(d.get("date_of_birth")),
        )

    mine = key(data)
    return [_existing(cid, other) for cid, other in _children(conn, exclude) if key(other) == mine]


def merged_into(conn: Connection, child_ids: list[str]) -> dict[str, str]:
    """Of `child_ids`, those merged into another child: id → surviving id."""
    if not child_ids:
        return {}
    rows = conn.execute(
        sa.select(child_merges.c.child_id, child_merges.c.into_id).where(
            child_merges.c.child_id.in_(child_ids)
        )
    )
    return dict(rows.all())


def merge(conn: Connection, *, from_id: str, into_id: str, by: str) -> int:
    """Merge child `from_id` into child `into_id` (see the module docstring),
    in the caller's write transaction; the number of records moved.
    ValueError when either is not a child on the record, or they are one."""
    if from_id == into_id:
        raise ValueError("A child cannot be merged into itself.")
    lock_for_write(conn, children=[from_id, into_id])
    kids = {
        row.id: row
        for row in conn.execute(
            sa.select(records).where(
                records.c.id.in_([from_id, into_id]),
                records.c.kind == "child",
                records.c.deleted.is_(False),
            )
        )
    }
    for cid in (from_id, into_id):
        if cid not in kids:
            raise ValueError(f"There is no child with id {cid!r}.")
    now = datetime.now(UTC)
    moved = [
        as_record(r)
        for r in conn.execute(
            sa.select(records).where(records.c.child_id == from_id, records.c.id != from_id)
        )
    ]
    written = [
        r.model_copy(update={"child_id": uuid.UUID(into_id), "rev": r.rev + 1, "updated_by": by})
        for r in moved
    ]
    gone = as_record(kids[from_id])
    written.append(gone.model_copy(update={"rev": gone.rev + 1, "deleted": True, "updated_by": by}))
    holders = list(
        conn.execute(
            sa.select(assignments.c.worker_id).where(assignments.c.child_id == from_id)
        ).scalars()
    )
    keeping = set(
        conn.execute(
            sa.select(assignments.c.worker_id).where(assignments.c.child_id == into_id)
        ).scalars()
    )
    changes = [(w, into_id, True) for w in holders if w not in keeping]
    changes += [(w, from_id, False) for w in holders]
    # One block of numbers, in order: the surviving child's new holders first,
    # then the moved records, then the merged-away child leaves them, so no
    # page of the feed can show the records under a child its device lacks.
    seqs = take_seqs(conn, len(written) + len(changes))
    gains, losses = changes[: len(changes) - len(holders)], changes[len(changes) - len(holders) :]
    for (worker_id, child_id, assigned), seq in zip(gains, seqs, strict=False):
        record_assignment(conn, worker_id, child_id, assigned, seq=seq, at=now)
    start = len(gains)
    write_revisions(
        conn,
        [(r.model_copy(update={"updated_at": now}), None) for r in written],
        seqs[start : start + len(written)],
    )
    for (worker_id, child_id, assigned), seq in zip(
        losses, seqs[start + len(written) :], strict=True
    ):
        record_assignment(conn, worker_id, child_id, assigned, seq=seq, at=now)
    conn.execute(
        sa.insert(child_merges).values(
            child_id=from_id, into_id=into_id, merged_at=now, merged_by=by
        )
    )
    return len(moved)
