"""Writing records: every accepted version becomes the current row and a
revision in the history, under a change sequence number the feed orders by."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.restriction import column_value
from sync.server.daily_rows import refresh as refresh_daily_rows
from sync.server.db import among, insert_rows
from sync.server.schema import records, revisions
from sync.server.trend_rows import refresh as refresh_trend_rows
from sync.wire import Record


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


def revision_data(conn: Connection, record_id: str, rev: int) -> dict | None:
    """The data of one stored revision, with its tombstone as `__deleted__`."""
    row = conn.execute(
        sa.select(revisions.c.data, revisions.c.deleted).where(
            revisions.c.record_id == record_id, revisions.c.rev == rev
        )
    ).first()
    return None if row is None else {**json.loads(row.data), "__deleted__": row.deleted}


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


_UPDATED = (
    "kind",
    "child_id",
    "rev",
    "deleted",
    "updated_at",
    "updated_by",
    "data",
    "change_seq",
    "restricted_to",
)


def write_revisions(
    conn: Connection, items: list[tuple[Record, str | None]], seqs: list[int]
) -> None:
    """Bulk write: one statement per table, whatever the batch size.
    `items` are (record, the mutation id that carried it); `seqs` one each."""
    latest: dict[str, dict] = {}
    current: dict[str, Record] = {}
    history = []
    for (record, mutation_id), seq in zip(items, seqs, strict=True):
        row = _row(record)
        current[row["id"]] = record
        latest[row["id"]] = dict(row, change_seq=seq, restricted_to=column_value(record.data))
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
            .values({c: sa.bindparam(c) for c in _UPDATED})
        )
        conn.execute(stmt, updates)
    insert_rows(conn, revisions, history)
    # What trends and hotspots count follows the current revision, in this
    # same transaction (sync.server.trend_rows).
    refresh_trend_rows(conn, current.values())
    refresh_daily_rows(conn, current.values())
