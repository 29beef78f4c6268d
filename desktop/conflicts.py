"""Conflicts: the worker's version and the central record's, side by side,
until the worker chooses. Nothing is lost while a conflict is open: base,
theirs and mine are all kept in the encrypted store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlcipher3

from desktop import outbox
from desktop.records import put_record, refresh_children
from desktop.repository import CaseRepository
from sync.errors import RecordInvalid
from sync.kinds import check_update, long_text_fields, validate_data
from sync.merge import merge_fields
from sync.wire import Record


@dataclass(frozen=True)
class Conflict:
    record_id: str
    child_id: str
    kind: str
    fields: list[str]
    created_at: str


@dataclass(frozen=True)
class FieldVersions:
    field: str
    base: Any
    theirs: Any
    mine: Any


def list_conflicts(conn: sqlcipher3.Connection) -> list[Conflict]:
    rows = conn.execute(
        "SELECT record_id, child_id, theirs, fields, created_at FROM conflicts ORDER BY created_at"
    ).fetchall()
    return [Conflict(r[0], r[1], json.loads(r[2])["kind"], json.loads(r[3]), r[4]) for r in rows]


def _load(
    conn: sqlcipher3.Connection, record_id: str
) -> tuple[dict | None, Record, Record, list[str]]:
    row = conn.execute(
        "SELECT base, theirs, mine, fields FROM conflicts WHERE record_id = ?", (record_id,)
    ).fetchone()
    if row is None:
        raise RecordInvalid("id", "id: this record is not in conflict")
    base = json.loads(row[0]) if row[0] else None
    return (
        base,
        Record.model_validate_json(row[1]),
        Record.model_validate_json(row[2]),
        json.loads(row[3]),
    )


def conflict_fields(conn: sqlcipher3.Connection, record_id: str) -> list[FieldVersions]:
    """The colliding fields with all three versions (base may be None)."""
    base, theirs, mine, fields = _load(conn, record_id)
    return [
        FieldVersions(f, (base or {}).get(f), theirs.data.get(f), mine.data.get(f)) for f in fields
    ]


Choice = str | tuple[str, Any]  # "mine" | "theirs" | ("edited", value)


def resolve(repo: CaseRepository, record_id: str, choices: dict[str, Choice]) -> Record:
    """Settle a conflict: every colliding field takes the chosen version; the
    fields that did not collide keep both sides' changes. The result is a new
    edit on the central record's revision, sent at the next sync."""
    conn = repo.store.conn
    base, theirs, mine, fields = _load(conn, record_id)
    missing = [f for f in fields if f not in choices]
    if missing:
        raise RecordInvalid(missing[0], f"{missing[0]}: choose mine, theirs or an edited text")
    if base is not None:
        data = merge_fields(base, theirs.data, mine.data, long_text_fields(theirs.kind)).data
    else:
        data = dict(theirs.data)
    for name in fields:
        choice = choices[name]
        if choice == "mine":
            data[name] = mine.data.get(name)
        elif choice == "theirs":
            data[name] = theirs.data.get(name)
        elif isinstance(choice, tuple) and choice[0] == "edited":
            data[name] = choice[1]
        else:
            raise RecordInvalid(name, f"{name}: choose mine, theirs or an edited text")
    clean = validate_data(theirs.kind, data)
    check_update(theirs.kind, theirs.data, clean)
    resolved = theirs.model_copy(
        update={"data": clean, "updated_at": repo.clock(), "updated_by": repo.worker}
    )
    with repo.store.transaction() as tx:
        put_record(tx, resolved, pending=True)
        outbox.enqueue(tx, resolved)  # base_rev = theirs.rev: an edit on their revision
        tx.execute("DELETE FROM conflicts WHERE record_id = ?", (record_id,))
        refresh_children(tx, [str(theirs.child_id)])
    return resolved
