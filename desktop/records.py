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
from typing import Any, NamedTuple

import sqlcipher3
from pydantic_core import to_json

from desktop import summary
from desktop.hotspots import place_key
from sync.kinds import display_name, places_named, text_for_search
from sync.wire import PulledRecord, Record

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


# The field whose value follows the label in a kind's title.
_DETAIL = {
    "visit": "visit_type",
    "concern": "category",
    "plan": "plan_type",
    "meeting": "meeting_type",
    "assessment": "tool_category",
    "plan_action": "status",
}


def describe(record: Record) -> tuple[str | None, str, str]:
    """(sort_at, title, summary) for the chronology and search results."""
    return _describe(record.kind, record.data, record.updated_at.isoformat())


def _describe(kind: str, data: dict[str, Any], updated_at: str) -> tuple[str, str, str]:
    sort_at = _instant(data.get(_WHEN.get(kind, ""))) or updated_at
    label = _LABEL[kind]
    if kind == "missing_episode":
        detail = "open" if not data.get("end") else data.get("episode_type")
    else:
        field = _DETAIL.get(kind)
        detail = data.get(field) if field else None
    title = f"{label}: {str(detail).replace('_', ' ')}" if detail else label
    if kind == "child":
        title = display_name(data)
    if data.get("entered_in_error"):
        title += " (entered in error)"
    text = data.get(_SUMMARY_FIELD.get(kind, ""), "") or ""
    text = str(text).strip()
    first_line = text.split("\n", 1)[0].splitlines()[0] if text else ""
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


_RECORD_COLUMNS = (
    "id, kind, child_id, rev, deleted, updated_at, updated_by, data,"
    " pending, sort_at, title, summary"
)
_UPSERT_TAIL = (
    " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, child_id = excluded.child_id,"
    " rev = excluded.rev, deleted = excluded.deleted, updated_at = excluded.updated_at,"
    " updated_by = excluded.updated_by, data = excluded.data, pending = excluded.pending,"
    " sort_at = excluded.sort_at, title = excluded.title, summary = excluded.summary"
)
# Bound parameters per statement: SQLite's limit is 32766 since 3.32 (the
# bundled SQLCipher is newer).
_MAX_PARAMS = 30_000
_MAX_ROWS = 1000


def _statements(n: int, width: int):
    """Chunks of at most _MAX_ROWS rows (and _MAX_PARAMS parameters)."""
    per = max(1, min(_MAX_ROWS, _MAX_PARAMS // width))
    for start in range(0, n, per):
        yield start, min(start + per, n)


def _insert(conn: sqlcipher3.Connection, head: str, rows: list[tuple], tail: str = "") -> None:
    """INSERT many rows as multi-row VALUES statements.

    executemany takes the GIL back after every row; while a sync's fetching
    thread keeps the GIL busy each of those waits can last a whole switch
    interval (5 ms), which made bulk writes many times slower than alone.
    One statement per thousand rows runs in C with the GIL released.
    """
    if not rows:
        return
    width = len(rows[0])
    one = "(" + ",".join("?" * width) + ")"
    for start, end in _statements(len(rows), width):
        chunk = rows[start:end]
        values = ",".join([one] * len(chunk))
        conn.execute(f"{head} VALUES {values}{tail}", [v for row in chunk for v in row])


def _seqs(conn: sqlcipher3.Connection, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start, end in _statements(len(ids), 1):
        chunk = ids[start:end]
        marks = ",".join("?" * len(chunk))
        found.update(conn.execute(f"SELECT id, seq FROM records WHERE id IN ({marks})", chunk))  # noqa: S608
    return found


def _delete_in(conn: sqlcipher3.Connection, sql: str, keys: list) -> None:
    """`sql` with one `{}` for the IN list, run over `keys` in chunks."""
    for start, end in _statements(len(keys), 1):
        chunk = keys[start:end]
        conn.execute(sql.format(",".join("?" * len(chunk))), chunk)


def put_record(conn: sqlcipher3.Connection, record: Record, *, pending: bool) -> None:
    """Insert or replace a record and its search and hotspot rows.

    The caller must call `refresh_children` for the record's child before its
    transaction ends (once per child, not per record, for bulk pulls).
    """
    put_records(conn, [record], pending=pending)


def put_records(conn: sqlcipher3.Connection, records: list[Record], *, pending: bool) -> None:
    """`put_record` for many records at once: a statement per table, not per record."""
    rows = [
        _prepare(
            str(r.id),
            r.kind,
            str(r.child_id),
            r.rev,
            r.deleted,
            r.updated_at.isoformat(),
            r.updated_by,
            r.data,
            pending,
        )
        for r in records
    ]
    put_prepared(conn, rows)


class PreparedRecord(NamedTuple):
    """A record's rows for the store, derived without touching it."""

    id: str
    child_id: str
    rev: int
    row: tuple  # the records columns, in _RECORD_COLUMNS' order
    search: tuple[str, str] | None  # (title, body); None for a deleted record
    places: tuple[tuple, ...]  # places rows (hotspots)


def prepare_pulled(records: list[PulledRecord]) -> list[PreparedRecord]:
    """The rows of pulled (settled) records. Reads no database, so a sync can
    run it for the next page while the store writes this one."""
    return [
        _prepare(
            r["id"],
            r["kind"],
            r["child_id"],
            r["rev"],
            r["deleted"],
            r["updated_at"],
            r["updated_by"],
            r["data"],
            False,
        )
        for r in records
    ]


def _prepare(
    rid: str,
    kind: str,
    child_id: str,
    rev: int,
    deleted: bool,
    updated_at: str,
    updated_by: str,
    data: dict[str, Any],
    pending: bool,
) -> PreparedRecord:
    sort_at, title, line = _describe(kind, data, updated_at)
    row = (
        rid,
        kind,
        child_id,
        rev,
        int(deleted),
        updated_at,
        updated_by,
        # pydantic-core's encoder: several times faster than the json module's.
        to_json(data).decode(),
        int(pending),
        sort_at,
        title,
        line,
    )
    if deleted:
        return PreparedRecord(rid, child_id, rev, row, None, ())
    places = []
    for place in places_named(kind, data):
        key = place_key(place)
        if key:
            places.append(
                (
                    rid,
                    child_id,
                    key,
                    place.get("name"),
                    place.get("postcode"),
                    place.get("type"),
                )
            )
    # Tuples of plain values: the collector stops tracking them (see PulledRecord).
    search = (title, text_for_search(kind, data))
    return PreparedRecord(rid, child_id, rev, row, search, tuple(places))


def put_prepared(conn: sqlcipher3.Connection, records: list[PreparedRecord]) -> None:
    """Write prepared records with their search and hotspot rows (see `put_record`)."""
    if not records:
        return
    if len({r.id for r in records}) < len(records):
        records = list({r.id: r for r in records}.values())  # the last version of each wins
    ids = [r.id for r in records]
    before = _seqs(conn, ids)
    if before:
        # A replaced record keeps its seq, the rowid of its search entry.
        _delete_in(conn, "DELETE FROM search_index WHERE rowid IN ({})", list(before.values()))
        _delete_in(conn, "DELETE FROM places WHERE record_id IN ({})", list(before))
    _insert(
        conn, f"INSERT INTO records ({_RECORD_COLUMNS})", [r.row for r in records], _UPSERT_TAIL
    )
    seqs = before if len(before) == len(ids) else _seqs(conn, ids)
    _insert(
        conn,
        "INSERT INTO search_index (rowid, title, body)",
        [(seqs[r.id], *r.search) for r in records if r.search is not None],
    )
    _insert(
        conn,
        "INSERT INTO places (record_id, child_id, place_key, name, postcode, type)",
        [p for r in records for p in r.places],
    )


def settle_unchanged(conn: sqlcipher3.Connection, records: list[Record]) -> None:
    """The server accepted these records exactly as we hold them: take its
    revision and stamp; the data, and so every index, stays as it is."""
    rows = [(str(r.id), r.rev, r.updated_at.isoformat(), r.updated_by) for r in records]
    for start, end in _statements(len(rows), 4):
        chunk = rows[start:end]
        values = ",".join(["(?, ?, ?, ?)"] * len(chunk))
        conn.execute(
            f"WITH v (id, rev, updated_at, updated_by) AS (VALUES {values})"  # noqa: S608
            " UPDATE records SET rev = v.rev, pending = 0, updated_at = v.updated_at,"
            " updated_by = v.updated_by FROM v WHERE records.id = v.id",
            [x for row in chunk for x in row],
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
