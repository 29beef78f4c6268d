"""Low-level storage of records and everything derived from them.

Both the repositories (local writes) and the sync engine (pulled records) go
through `put_record` and `refresh_children`, inside the caller's transaction,
so the search index, hotspot places and due dates can never drift from the
records they describe.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlcipher3

from desktop import summary
from desktop.hotspots import place_key
from sync.kinds import display_name, places_named, text_for_search
from sync.wire import Record

# Where each kind sits on the chronology, and what its line says.
_WHEN = {
    "visit": "start",
    "missing_episode": "start",
    "concern": "received_at",
    "plan": "start_date",
    "plan_action": "due_date",
    "meeting": "date",
    "assessment": "date",
    "addendum": "written_at",
    "sharing": "date",
    "cme_episode": "notified_at",
    "involvement": "start",
    "child": "legal_status_start",
}
_LABEL = {
    "child": "Child record",
    "involvement": "Professional involved",
    "assessment": "Risk screening",
    "plan": "Risk-management plan",
    "plan_action": "Plan action",
    "meeting": "Meeting",
    "visit": "Visit",
    "addendum": "Addendum",
    "missing_episode": "Missing episode",
    "cme_episode": "Missing education",
    "concern": "Concern",
    "sharing": "Information shared",
    "alert": "Alert",
}
_SUMMARY_FIELD = {
    "visit": "observations",
    "concern": "narrative",
    "plan": "risks",
    "plan_action": "description",
    "meeting": "decisions",
    "assessment": "practitioner_level",
    "addendum": "text",
    "sharing": "what",
    "cme_episode": "school",
    "missing_episode": "found_location",
    "involvement": "name",
    "alert": "text",
}


def _instant(value: object) -> str | None:
    """Timestamps keep the offset the worker typed; the chronology orders by
    text, so store them in UTC. Dates (and anything unparsable) stay as is."""
    if not value:
        return None
    text = str(value)
    if len(text) <= 10:
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def describe(record: Record) -> tuple[str | None, str, str]:
    """(sort_at, title, summary) for the chronology and search results."""
    data = record.data
    sort_at = _instant(data.get(_WHEN.get(record.kind, ""))) or record.updated_at.isoformat()
    label = _LABEL[record.kind]
    detail = {
        "visit": data.get("visit_type"),
        "missing_episode": "open" if not data.get("end") else data.get("episode_type"),
        "concern": data.get("category"),
        "plan": data.get("plan_type"),
        "meeting": data.get("meeting_type"),
        "assessment": data.get("tool_category"),
        "plan_action": data.get("status"),
    }.get(record.kind)
    title = f"{label}: {str(detail).replace('_', ' ')}" if detail else label
    if record.kind == "child":
        title = display_name(data)
    if data.get("entered_in_error"):
        title += " (entered in error)"
    text = data.get(_SUMMARY_FIELD.get(record.kind, ""), "") or ""
    first_line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return str(sort_at), title, first_line[:160]


def record_from_row(row: sqlcipher3.Row | tuple) -> Record:
    id_, kind, child_id, rev, deleted, updated_at, updated_by, data = row
    return Record.model_validate(
        {
            "id": id_,
            "kind": kind,
            "child_id": child_id,
            "rev": rev,
            "deleted": bool(deleted),
            "updated_at": updated_at,
            "updated_by": updated_by,
            "data": json.loads(data),
        }
    )


_COLUMNS = "id, kind, child_id, rev, deleted, updated_at, updated_by, data"


def get_record(conn: sqlcipher3.Connection, record_id: str) -> Record | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM records WHERE id = ?", (str(record_id),)).fetchone()
    return record_from_row(row) if row else None


def records_of_child(
    conn: sqlcipher3.Connection, child_id: str, kind: str | None = None
) -> list[Record]:
    sql = f"SELECT {_COLUMNS} FROM records WHERE child_id = ? AND deleted = 0"
    params: list[Any] = [str(child_id)]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return [record_from_row(r) for r in conn.execute(sql + " ORDER BY sort_at", params)]


_UPSERT = (
    "INSERT INTO records (id, kind, child_id, rev, deleted, updated_at, updated_by, data,"
    " pending, sort_at, title, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, child_id = excluded.child_id,"
    " rev = excluded.rev, deleted = excluded.deleted, updated_at = excluded.updated_at,"
    " updated_by = excluded.updated_by, data = excluded.data, pending = excluded.pending,"
    " sort_at = excluded.sort_at, title = excluded.title, summary = excluded.summary"
)


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _seqs(conn: sqlcipher3.Connection, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        found.update(conn.execute(f"SELECT id, seq FROM records WHERE id IN ({marks})", chunk))  # noqa: S608
    return found


def put_record(conn: sqlcipher3.Connection, record: Record, *, pending: bool) -> None:
    """Insert or replace a record and its search and hotspot rows.

    The caller must call `refresh_children` for the record's child before its
    transaction ends (once per child, not per record, for bulk pulls).
    """
    put_records(conn, [record], pending=pending)


def put_records(conn: sqlcipher3.Connection, records: list[Record], *, pending: bool) -> None:
    """`put_record` for many records at once: a statement per table, not per record."""
    if not records:
        return
    ids = [str(r.id) for r in records]
    before = _seqs(conn, ids)
    rows, texts, places = [], [], []
    for record in records:
        sort_at, title, line = describe(record)
        rows.append(
            (
                str(record.id),
                record.kind,
                str(record.child_id),
                record.rev,
                int(record.deleted),
                record.updated_at.isoformat(),
                record.updated_by,
                json.dumps(record.data, separators=(",", ":")),
                int(pending),
                sort_at,
                title,
                line,
            )
        )
        if not record.deleted:
            texts.append((str(record.id), title, text_for_search(record.kind, record.data)))
            for place in places_named(record.kind, record.data):
                key = place_key(place)
                if key:
                    places.append(
                        (
                            str(record.id),
                            str(record.child_id),
                            key,
                            place.get("name"),
                            place.get("postcode"),
                            place.get("type"),
                        )
                    )
    conn.executemany(_UPSERT, rows)
    if before:
        conn.executemany(
            "DELETE FROM search_index WHERE rowid = ?", [(v,) for v in before.values()]
        )
        conn.executemany("DELETE FROM places WHERE record_id = ?", [(k,) for k in before])
    seqs = before if len(before) == len(set(ids)) else _seqs(conn, ids)
    conn.executemany(
        "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)",
        [(seqs[rid], title, body) for rid, title, body in texts],
    )
    conn.executemany(
        "INSERT INTO places (record_id, child_id, place_key, name, postcode, type)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        places,
    )


def save_server_copy(conn: sqlcipher3.Connection, record: Record) -> None:
    """Keep the server's revision as the base for merges and for conflicts."""
    save_server_copies(conn, [record])


def save_server_copies(conn: sqlcipher3.Connection, records: list[Record]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO server_records (id, child_id, rev, record) VALUES (?, ?, ?, ?)",
        [(str(r.id), str(r.child_id), r.rev, r.model_dump_json()) for r in records],
    )


def server_copy(conn: sqlcipher3.Connection, record_id: str) -> Record | None:
    """The server's last known revision of a record. A record without a local
    edit is its own server copy; one with an edit keeps it in server_records."""
    row = conn.execute(
        "SELECT record FROM server_records WHERE id = ?", (str(record_id),)
    ).fetchone()
    if row:
        return Record.model_validate_json(row[0])
    record = get_record(conn, record_id)
    return record if record is not None and record.rev > 0 else None


def keep_server_copy(conn: sqlcipher3.Connection, record_id: str) -> None:
    """Before the first local edit of a synced record, keep the server's
    version: it is the base a later conflict is shown against."""
    row = conn.execute(
        "SELECT pending, rev FROM records WHERE id = ?", (str(record_id),)
    ).fetchone()
    if row and not row[0] and row[1] > 0:
        save_server_copy(conn, get_record(conn, record_id))


def refresh_children(conn: sqlcipher3.Connection, child_ids: Iterable[str]) -> None:
    for child_id in set(map(str, child_ids)):
        summary.refresh_child(conn, child_id)


def purge_child(conn: sqlcipher3.Connection, child_id: str) -> None:
    """Remove every trace of a child's case data from this device.

    Audit events keep the child's id (not content) until they are pushed.
    Outbox rows are the sync engine's to settle before it calls this.
    """
    cid = str(child_id)
    conn.execute(
        "DELETE FROM search_index WHERE rowid IN (SELECT seq FROM records WHERE child_id = ?)",
        (cid,),
    )
    for table in ("records", "server_records", "places", "due_items", "child_summary", "conflicts"):
        conn.execute(f"DELETE FROM {table} WHERE child_id = ?", (cid,))  # noqa: S608
