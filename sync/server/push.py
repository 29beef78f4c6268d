"""Applying pushed mutations: idempotent, authorised, validated, merged.

One push is one transaction, taken under the write lock, so mutations of a
batch apply in order and a replay (even a concurrent one) finds the first
result stored under its mutation id.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.errors import RecordInvalid
from sync.kinds import check_update, long_text_fields, validate_data
from sync.merge import merge_fields
from sync.server.db import among, insert_rows, next_seq, take_write_lock
from sync.server.schema import (
    assignment_events,
    assignments,
    counters,
    mutations,
    records,
    revisions,
)
from sync.wire import FieldConflict, Mutation, MutationResult, MutationStatus, Record


def _rejected(m: Mutation, reason: str, record: Record | None = None) -> MutationResult:
    return MutationResult(
        mutation_id=m.mutation_id, status=MutationStatus.rejected, reason=reason, record=record
    )


def as_record(row) -> Record:
    """A `records` or `revisions` row as a wire Record."""
    return Record(
        id=getattr(row, "record_id", None) or row.id,
        kind=row.kind,
        child_id=row.child_id,
        rev=row.rev,
        deleted=row.deleted,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        data=json.loads(row.data),
    )


def _revision_data(conn: Connection, record_id: str, rev: int) -> dict | None:
    row = conn.execute(
        sa.select(revisions.c.data, revisions.c.deleted).where(
            revisions.c.record_id == record_id, revisions.c.rev == rev
        )
    ).first()
    return None if row is None else {**json.loads(row.data), "__deleted__": row.deleted}


def holds(conn: Connection, worker_id: int, child_id: str) -> bool:
    return (
        conn.execute(
            sa.select(assignments.c.child_id).where(
                assignments.c.worker_id == worker_id, assignments.c.child_id == child_id
            )
        ).first()
        is not None
    )


def assign(conn: Connection, worker_id: int, child_id: str, assigned: bool) -> bool:
    """Change a caseload and record the event for the feed; False if no change."""
    if holds(conn, worker_id, child_id) == assigned:
        return False
    if assigned:
        conn.execute(sa.insert(assignments).values(worker_id=worker_id, child_id=child_id))
    else:
        conn.execute(
            sa.delete(assignments).where(
                assignments.c.worker_id == worker_id, assignments.c.child_id == child_id
            )
        )
    conn.execute(
        sa.insert(assignment_events).values(
            seq=next_seq(conn),
            worker_id=worker_id,
            child_id=child_id,
            assigned=assigned,
            at=datetime.now(UTC),
        )
    )
    return True


def take_seqs(conn: Connection, n: int) -> list[int]:
    """n consecutive change sequence numbers (the caller holds the write lock)."""
    top = conn.execute(
        sa.update(counters)
        .where(counters.c.name == "change")
        .values(value=counters.c.value + n)
        .returning(counters.c.value)
    ).scalar_one()
    return list(range(top - n + 1, top + 1))


def store_revisions(conn: Connection, items: list[tuple[Record, str | None]]) -> None:
    """Write new current revisions, in order, and keep them in the history."""
    if items:
        _write_revisions(conn, items, take_seqs(conn, len(items)))


def _row(record: Record) -> dict:
    return {
        "id": str(record.id),
        "kind": record.kind.value,
        "child_id": str(record.child_id),
        "rev": record.rev,
        "deleted": record.deleted,
        "updated_at": record.updated_at.isoformat(),
        "updated_by": record.updated_by,
        "data": json.dumps(record.data, separators=(",", ":")),
    }


def _write_revisions(
    conn: Connection, items: list[tuple[Record, str | None]], seqs: list[int]
) -> None:
    """Bulk write: one statement per table, whatever the batch size."""
    latest: dict[str, dict] = {}
    history = []
    for (record, mutation_id), seq in zip(items, seqs, strict=True):
        row = _row(record)
        latest[row["id"]] = dict(row, change_seq=seq)
        history.append(
            {k: v for k, v in row.items() if k != "id"}
            | {"record_id": row["id"], "mutation_id": mutation_id}
        )
    existing = set(
        conn.execute(
            sa.select(records.c.id).where(among(conn, records.c.id, list(latest)))
        ).scalars()
    )
    fresh = [r for k, r in latest.items() if k not in existing]
    updates = [dict(r, key=k) for k, r in latest.items() if k in existing]
    if fresh:
        insert_rows(conn, records, fresh)
    if updates:
        stmt = (
            sa.update(records)
            .where(records.c.id == sa.bindparam("key"))
            .values(
                {
                    c: sa.bindparam(c)
                    for c in (
                        "kind",
                        "child_id",
                        "rev",
                        "deleted",
                        "updated_at",
                        "updated_by",
                        "data",
                        "change_seq",
                    )
                }
            )
        )
        conn.execute(stmt, updates)
    insert_rows(conn, revisions, history)


class _Batch:
    """What one push decides, in order, before it is written in bulk."""

    def __init__(
        self, conn: Connection, worker_id: int, worker: str, batch: list[Mutation]
    ) -> None:
        self.conn, self.worker_id, self.worker = conn, worker_id, worker
        ids = list({str(m.record.id) for m in batch})
        self.current: dict[str, Record] = {}
        for row in conn.execute(sa.select(records).where(among(conn, records.c.id, ids))):
            self.current[row.id] = as_record(row)
        self.held = set(
            conn.execute(
                sa.select(assignments.c.child_id).where(assignments.c.worker_id == worker_id)
            ).scalars()
        )
        self.revisions: list[tuple[Record, str | None]] = []
        self.new_children: list[str] = []
        # The order in which sequence numbers are taken: ("assign", child) or ("rev", index).
        self.order: list[tuple[str, object]] = []

    def store(self, record: Record, mutation_id: str) -> None:
        self.order.append(("rev", len(self.revisions)))
        self.revisions.append((record, mutation_id))
        self.current[str(record.id)] = record

    def assign_new_child(self, child_id: str) -> None:
        self.order.append(("assign", child_id))
        self.held.add(child_id)

    def flush(self) -> None:
        if not self.order:
            return
        seqs = take_seqs(self.conn, len(self.order))
        rev_seqs, now = [], datetime.now(UTC)
        for (what, item), seq in zip(self.order, seqs, strict=True):
            if what == "assign":
                self.conn.execute(
                    sa.insert(assignments).values(worker_id=self.worker_id, child_id=item)
                )
                self.conn.execute(
                    sa.insert(assignment_events).values(
                        seq=seq, worker_id=self.worker_id, child_id=item, assigned=True, at=now
                    )
                )
            else:
                rev_seqs.append(seq)
        _write_revisions(self.conn, self.revisions, rev_seqs)


def apply_push(
    conn: Connection, *, worker_id: int, worker: str, device_id: str, batch: list[Mutation]
) -> list[MutationResult]:
    take_write_lock(conn)
    mids = [str(m.mutation_id) for m in batch]
    firsts = dict(
        conn.execute(
            sa.select(mutations.c.mutation_id, mutations.c.result).where(
                among(conn, mutations.c.mutation_id, mids)
            )
        ).all()
    )
    state = _Batch(conn, worker_id, worker, batch)
    results, stored = [], []
    now = datetime.now(UTC)
    for m in batch:
        mid = str(m.mutation_id)
        if mid in firsts:
            results.append(MutationResult.model_validate_json(firsts[mid]))  # a replay
            continue
        result = _apply_one(state, m)
        if result.status is not MutationStatus.conflict:
            # Conflicts are not stored: resolving one is a new mutation.
            firsts[mid] = result.model_dump_json()
            stored.append(
                {
                    "mutation_id": mid,
                    "device_id": device_id,
                    "result": firsts[mid],
                    "created_at": now,
                }
            )
        results.append(result)
    state.flush()
    if stored:
        insert_rows(conn, mutations, stored)
    return results


def _apply_one(state: _Batch, m: Mutation) -> MutationResult:
    rec = m.record
    rid, child_id = str(rec.id), str(rec.child_id)
    current = state.current.get(rid)
    new_child = rec.kind == "child" and rid == child_id and current is None
    if not new_child and child_id not in state.held:
        return _rejected(m, "child_id: this child is not on your caseload")
    if current is not None and str(current.child_id) != child_id:
        return _rejected(m, "child_id: a record cannot move to another child")
    if current is not None and current.kind != rec.kind:
        return _rejected(m, "kind: a record cannot change its kind")
    if rec.kind == "child" and rid != child_id:
        return _rejected(m, "child_id: a child's own record must have id == child_id")
    try:
        mine = validate_data(rec.kind, rec.data)
    except RecordInvalid as exc:
        return _rejected(m, exc.message)
    now = datetime.now(UTC)

    if current is None:
        if m.base_rev != 0:
            return _rejected(m, "base_rev: the central record has no such record")
        stored = rec.model_copy(update={"rev": 1, "data": mine, "updated_by": state.worker})
        if new_child and child_id not in state.held:
            state.assign_new_child(child_id)
        state.store(stored, str(m.mutation_id))
        return MutationResult(
            mutation_id=m.mutation_id, status=MutationStatus.applied, record=stored
        )

    if m.base_rev > current.rev:
        return _rejected(m, "base_rev: newer than the central record's revision")
    status = MutationStatus.applied
    deleted = rec.deleted
    if m.base_rev != current.rev:
        base = (_revision_data(state.conn, rid, m.base_rev) if m.base_rev else None) or {}
        base_deleted = base.pop("__deleted__", False)
        merged = merge_fields(
            {**base, "__deleted__": base_deleted},
            dict(current.data, __deleted__=current.deleted),
            dict(mine, __deleted__=rec.deleted),
            long_text_fields(rec.kind),
        )
        if merged.conflicts:
            return MutationResult(
                mutation_id=m.mutation_id,
                status=MutationStatus.conflict,
                record=current,
                conflicts=[
                    FieldConflict(
                        field=f.replace("__deleted__", "deleted"), base=b, server=t, client=c
                    )
                    for f, b, t, c in merged.conflicts
                ],
            )
        deleted = bool(merged.data.pop("__deleted__", False))
        try:
            mine = validate_data(rec.kind, merged.data)
        except RecordInvalid as exc:
            return _rejected(m, f"the merged record is not valid: {exc.message}", current)
        status = MutationStatus.merged
    try:
        check_update(rec.kind, current.data, mine)
    except RecordInvalid as exc:
        return _rejected(m, exc.message, current)
    if mine == current.data and deleted == current.deleted:
        # Nothing new (for example the same edit made on two devices).
        return MutationResult(mutation_id=m.mutation_id, status=status, record=current)
    stored = Record(
        id=rec.id,
        kind=rec.kind,
        child_id=rec.child_id,
        rev=current.rev + 1,
        deleted=deleted,
        updated_at=now if status is MutationStatus.merged else rec.updated_at,
        updated_by=state.worker,
        data=mine,
    )
    state.store(stored, str(m.mutation_id))
    return MutationResult(mutation_id=m.mutation_id, status=status, record=stored)
