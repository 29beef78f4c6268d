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
from sync.server.db import next_seq, take_write_lock
from sync.server.merge import merge_fields
from sync.server.schema import assignment_events, assignments, mutations, records, revisions
from sync.wire import FieldConflict, Mutation, MutationResult, MutationStatus, Record


def _rejected(m: Mutation, reason: str, record: Record | None = None) -> MutationResult:
    return MutationResult(
        mutation_id=m.mutation_id, status=MutationStatus.rejected, reason=reason, record=record
    )


def _current(conn: Connection, record_id: str) -> Record | None:
    row = conn.execute(sa.select(records).where(records.c.id == record_id)).first()
    if row is None:
        return None
    return Record(
        id=row.id,
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


def store_revision(conn: Connection, record: Record, mutation_id: str | None) -> Record:
    """Write a new current revision and keep it in the history."""
    data_json = json.dumps(record.data, separators=(",", ":"))
    values = {
        "kind": record.kind.value,
        "child_id": str(record.child_id),
        "rev": record.rev,
        "deleted": record.deleted,
        "updated_at": record.updated_at.isoformat(),
        "updated_by": record.updated_by,
        "data": data_json,
    }
    seq = next_seq(conn)
    if record.rev == 1:
        conn.execute(sa.insert(records).values(id=str(record.id), change_seq=seq, **values))
    else:
        conn.execute(
            sa.update(records)
            .where(records.c.id == str(record.id))
            .values(change_seq=seq, **values)
        )
    conn.execute(
        sa.insert(revisions).values(record_id=str(record.id), mutation_id=mutation_id, **values)
    )
    return record


def apply_push(
    conn: Connection, *, worker_id: int, worker: str, device_id: str, batch: list[Mutation]
) -> list[MutationResult]:
    take_write_lock(conn)
    results = []
    for m in batch:
        mid = str(m.mutation_id)
        first = conn.execute(
            sa.select(mutations.c.result).where(mutations.c.mutation_id == mid)
        ).scalar_one_or_none()
        if first is not None:
            results.append(MutationResult.model_validate_json(first))  # a replay
            continue
        result = _apply_one(conn, worker_id, worker, m)
        if result.status is not MutationStatus.conflict:
            # Conflicts are not stored: resolving one is a new mutation.
            conn.execute(
                sa.insert(mutations).values(
                    mutation_id=mid,
                    device_id=device_id,
                    result=result.model_dump_json(),
                    created_at=datetime.now(UTC),
                )
            )
        results.append(result)
    return results


def _apply_one(conn: Connection, worker_id: int, worker: str, m: Mutation) -> MutationResult:
    rec = m.record
    rid, child_id = str(rec.id), str(rec.child_id)
    current = _current(conn, rid)
    new_child = rec.kind == "child" and rid == child_id and current is None
    if not new_child and not holds(conn, worker_id, child_id):
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
        stored = rec.model_copy(
            update={"rev": 1, "data": mine, "updated_by": worker, "updated_at": rec.updated_at}
        )
        if new_child:
            assign(conn, worker_id, child_id, True)
        store_revision(conn, stored, str(m.mutation_id))
        return MutationResult(
            mutation_id=m.mutation_id, status=MutationStatus.applied, record=stored
        )

    if m.base_rev > current.rev:
        return _rejected(m, "base_rev: newer than the central record's revision")
    status = MutationStatus.applied
    deleted = rec.deleted
    if m.base_rev != current.rev:
        base = _revision_data(conn, rid, m.base_rev) if m.base_rev else {}
        base = base or {}
        base_deleted = base.pop("__deleted__", False)
        theirs = dict(current.data, __deleted__=current.deleted)
        merged = merge_fields(
            {**base, "__deleted__": base_deleted},
            theirs,
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
        updated_by=worker,
        data=mine,
    )
    store_revision(conn, stored, str(m.mutation_id))
    return MutationResult(mutation_id=m.mutation_id, status=status, record=stored)
