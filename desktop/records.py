"""Low-level storage of records and everything derived from them.

Both the repositories (local writes) and the sync engine (pulled records) go
through `put_record` and `refresh_children`, inside the caller's transaction,
so the search index, hotspot places and due dates can never drift from the
records they describe.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any, NamedTuple

import sqlcipher3
from pydantic_core import to_json

from desktop import council_rules, summary
from desktop.bulk import insert_rows, json_list
from desktop.chronology import describe
from desktop.hotspots import place_key
from desktop.search import search_form
from sync.kinds import places_named, text_for_search
from sync.wire import PulledRecord, Record


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
    sort_at, title, line = describe(kind, data, updated_at)
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
    search = (search_form(title), search_form(text_for_search(kind, data)))
    return PreparedRecord(rid, child_id, rev, row, search, tuple(places))


def put_prepared(
    conn: sqlcipher3.Connection,
    records: list[PreparedRecord],
    stored: Collection[str] | None = None,
) -> None:
    """Write prepared records with their search and hotspot rows (see `put_record`).

    `stored`, when the caller knows it, holds the ids among `records` that
    are already in the store: only those have old rows to clear (most of a
    first sync has none). A statement per table for the lot (see
    `desktop.bulk` for why).
    """
    if not records:
        return
    if len({r.id for r in records}) < len(records):
        records = list({r.id: r for r in records}.values())  # the last version of each wins
    replaced = (
        [r.id for r in records] if stored is None else [r.id for r in records if r.id in stored]
    )
    if replaced:
        ids = json_list(replaced)
        # A replaced record keeps its seq, the rowid of its search entry: its
        # old search and hotspot rows go first.
        conn.execute(
            "DELETE FROM search_index WHERE rowid IN (SELECT seq FROM records"
            " WHERE id IN (SELECT value FROM json_each(?)))",
            (ids,),
        )
        conn.execute(
            "DELETE FROM places WHERE record_id IN (SELECT value FROM json_each(?))", (ids,)
        )
    insert_rows(
        conn, f"INSERT INTO records ({_RECORD_COLUMNS})", [r.row for r in records], _UPSERT_TAIL
    )
    search = [(r.id, *r.search) for r in records if r.search is not None]
    if search:
        # The search rowid is the record's seq, looked up in the same statement.
        conn.execute(
            "INSERT INTO search_index (rowid, title, body)"
            " SELECT r.seq, s.value ->> 1, s.value ->> 2 FROM json_each(?) AS s"
            " JOIN records AS r ON r.id = s.value ->> 0",
            (json_list(search),),
        )
    insert_rows(
        conn,
        "INSERT INTO places (record_id, child_id, place_key, name, postcode, type)",
        [p for r in records for p in r.places],
    )


def settle_unchanged(conn: sqlcipher3.Connection, records: list[Record]) -> None:
    """The server accepted these records exactly as we hold them: take its
    revision and stamp; the data, and so every index, stays as it is."""
    rows = [(str(r.id), r.rev, r.updated_at.isoformat(), r.updated_by) for r in records]
    conn.execute(
        "UPDATE records SET rev = v.value ->> 1, pending = 0, updated_at = v.value ->> 2,"
        " updated_by = v.value ->> 3 FROM json_each(?) AS v WHERE records.id = v.value ->> 0",
        (json_list(rows),),
    )


def save_server_copy(conn: sqlcipher3.Connection, record: Record) -> None:
    """Keep the server's revision as the base for merges and for conflicts."""
    save_server_copies(conn, [record])


def save_server_copies(conn: sqlcipher3.Connection, records: list[Record]) -> None:
    insert_rows(
        conn,
        "INSERT OR REPLACE INTO server_records (id, child_id, rev, record)",
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


def drop_server_copy(conn: sqlcipher3.Connection, record_id: str) -> None:
    """The record is its own server copy again (nothing of ours is on top)."""
    conn.execute("DELETE FROM server_records WHERE id = ?", (str(record_id),))


def keep_server_copy(conn: sqlcipher3.Connection, record_id: str) -> None:
    """Before the first local edit of a synced record, keep the server's
    version: it is the base a later conflict is shown against."""
    row = conn.execute(
        "SELECT pending, rev FROM records WHERE id = ?", (str(record_id),)
    ).fetchone()
    if row and not row[0] and row[1] > 0:
        record = get_record(conn, record_id)
        if record is not None:  # the row just read, so always there
            save_server_copy(conn, record)


def refresh_children(conn: sqlcipher3.Connection, child_ids: Iterable[str]) -> None:
    """These children's summary rows and due items, with the rules in force."""
    summary.refresh_children(conn, child_ids, council_rules.rules_in_force(conn))


def drop_record(conn: sqlcipher3.Connection, record_id: str) -> None:
    """Remove one record and everything derived from it (a refused create:
    the central record has no version of it to show). The caller refreshes
    its child."""
    rid = str(record_id)
    conn.execute(
        "DELETE FROM search_index WHERE rowid IN (SELECT seq FROM records WHERE id = ?)", (rid,)
    )
    conn.execute("DELETE FROM places WHERE record_id = ?", (rid,))
    conn.execute("DELETE FROM due_items WHERE record_id = ?", (rid,))
    conn.execute("DELETE FROM server_records WHERE id = ?", (rid,))
    conn.execute("DELETE FROM records WHERE id = ?", (rid,))


def purge_child(conn: sqlcipher3.Connection, child_id: str) -> None:
    """Remove every trace of a child's case data from this device.

    Audit events keep the child's id (not content) until they are pushed.
    The caller must first make sure none of the child's work is open — an
    edit waiting to send, refused or in conflict (`desktop.purges.open_work`):
    those rows, and the text in them, are never touched here.
    """
    cid = str(child_id)
    conn.execute(
        "DELETE FROM search_index WHERE rowid IN (SELECT seq FROM records WHERE child_id = ?)",
        (cid,),
    )
    for table in ("records", "server_records", "places", "due_items", "child_summary"):
        conn.execute(f"DELETE FROM {table} WHERE child_id = ?", (cid,))
