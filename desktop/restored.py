"""Recovering from a central record restored from an older backup.

How the laptop notices (see sync.server.restores): the record's epoch is
not the one it last synced under, or the feed refuses its cursor as ahead.
Then, across as many syncs as it takes (each step survives a crash or a
stopped sync):

1. `begin`: every revision the laptop holds from the central record is
   copied aside (`restore_held`) and the cursor forgotten, so the next pull
   reads the whole caseload again. Pending work is not touched, and is not
   pushed until step 3: its base revisions belong to the lost timeline.
2. The re-read (`desktop.replica` while `in_progress`): what the restored
   record serves replaces what the laptop held, even an older revision, and
   the revision served of each held record is noted (`note_served`).
3. `finish`, once the feed is read to its end:
   - pending and refused-for-its-base work is put on the revision the
     restored record has (a create if it has none), under new mutation ids;
   - a revision the record lost (it serves an older one, or none) that this
     worker wrote goes back as a new revision on the one it serves, as any
     edit; if the record was changed after the restore, the held revision
     becomes a conflict for the worker to settle, never pushed over it
     (see `finish`);
   - one that another worker wrote cannot be sent back from here (it would
     carry this worker's name): it is counted, and kept listed in
     `restore_unrecovered` for `caseworker status` and the status bar. The
     record's own version is shown; a record the record no longer has at all
     is removed from this laptop (its writer's laptop sends it back if it
     holds it, and it arrives again then).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlcipher3

from desktop import device, outbox
from desktop.records import (
    drop_record,
    get_record,
    put_record,
    refresh_children,
    save_server_copy,
    server_copy,
)
from sync.wire import Record

EPOCH = "record_epoch"  # device_meta: the epoch of the record last synced with
RECOVERING = "restore_recovering"  # device_meta: set from `begin` to `finish`
OUTCOME = "restore_outcome"  # device_meta: JSON of the last `finish`
# Refusals that only mean the edit was made on a revision the restore lost.
_BASE_REFUSALS = "base_rev:%"


@dataclass(frozen=True)
class RestoreOutcome:
    finished_at: str
    #: revisions the restore lost that went back to the central record
    resent: int
    #: ... that someone changed after the restore: a conflict for the worker
    conflicts: int
    #: ... that another worker wrote (`restore_unrecovered`)
    unrecovered: int


def epoch_changed(conn: sqlcipher3.Connection, epoch: int | None) -> bool:
    """Whether the record's epoch is not the one last synced under; the
    first epoch a laptop sees is simply kept."""
    if epoch is None:
        return False
    held = device.get_meta(conn, EPOCH)
    if held is None:
        device.set_meta(conn, EPOCH, str(epoch))
        return False
    return held != str(epoch)


def in_progress(conn: sqlcipher3.Connection) -> bool:
    return device.get_meta(conn, RECOVERING) is not None


def begin(conn: sqlcipher3.Connection, epoch: int | None) -> None:
    """Step 1. A second call while recovering only takes the newer epoch."""
    if not in_progress(conn):
        conn.execute("DELETE FROM restore_held")
        conn.execute(
            "INSERT INTO restore_held (id, kind, child_id, rev, deleted, updated_at,"
            " updated_by, data) SELECT id, kind, child_id, rev, deleted, updated_at,"
            " updated_by, data FROM records WHERE rev > 0"
            " AND id NOT IN (SELECT id FROM server_records)"
        )
        # A record with an edit waiting keeps the server's copy aside: the
        # revision its edit was made on.
        conn.execute(
            "INSERT INTO restore_held (id, kind, child_id, rev, deleted, updated_at,"
            " updated_by, data) SELECT id, json_extract(record, '$.kind'), child_id, rev,"
            " json_extract(record, '$.deleted'), json_extract(record, '$.updated_at'),"
            " json_extract(record, '$.updated_by'), json(json_extract(record, '$.data'))"
            " FROM server_records"
        )
        device.set_meta(conn, "cursor", None)
    device.set_meta(conn, RECOVERING, "" if epoch is None else str(epoch))


def note_served(conn: sqlcipher3.Connection, served: list[tuple[str, int]]) -> None:
    """Step 2: the revisions the restored record served on one page."""
    conn.execute(
        "UPDATE restore_held SET served_rev = (SELECT json_extract(value, '$[1]')"
        " FROM json_each(?1) WHERE json_extract(value, '$[0]') = restore_held.id)"
        " WHERE id IN (SELECT json_extract(value, '$[0]') FROM json_each(?1))",
        (json.dumps(served),),
    )


def _held_rows(conn: sqlcipher3.Connection) -> list[tuple[Record, int | None]]:
    rows = conn.execute(
        "SELECT id, kind, child_id, rev, deleted, updated_at, updated_by, data, served_rev"
        " FROM restore_held ORDER BY kind != 'child', updated_at"
    ).fetchall()
    return [(_held(r), r[8]) for r in rows]


def _served(conn: sqlcipher3.Connection, record_id: str, served_rev: int | None) -> Record | None:
    """What the restored record served of a held record (after the re-read:
    the server copy of one with work waiting, else the record itself)."""
    if served_rev is None:
        return None
    return server_copy(conn, record_id)


def _same(a: Record, b: Record) -> bool:
    return (a.data, a.deleted) == (b.data, b.deleted)


def _younger(served: Record, held: Record) -> bool:
    """Laptops stamp `updated_at`; the push refuses clocks far ahead, and a
    restore takes longer than that, so a served version younger than the
    held one was written after the restore."""
    return served.updated_at >= held.updated_at


def questions(conn: sqlcipher3.Connection) -> list[str]:
    """Held records the restored record serves in another, younger version:
    whether the held revision is one it still has (it moved on from it) or
    one it lost cannot be told from here; their histories say (`finish`)."""
    asked = []
    for held, served_rev in _held_rows(conn):
        served = _served(conn, str(held.id), served_rev)
        if served is not None and not _same(served, held) and _younger(served, held):
            asked.append(str(held.id))
    return asked


def _shared_rev(history: list[Record], held: Record) -> int | None:
    """The revision of the restored record's history that is the held one, if any."""
    same = [r.rev for r in history if _same(r, held) and r.updated_at == held.updated_at]
    return same[-1] if same else None


def _rebase_waiting(
    conn: sqlcipher3.Connection,
    held: dict[str, tuple[Record, int | None]],
    histories: dict[str, list[Record]],
) -> set[str]:
    """Pending work (and work refused only for its lost base) onto what the
    restored record has; the record ids it concerns. Its base still there:
    sent on it (the central record merges with what came after). Lost, on a
    record unchanged since the restore: sent on the revision served. Lost, on
    a record changed since: a conflict, nothing is pushed over the change."""
    rows = outbox.waiting_or_refused_for_base(conn, _BASE_REFUSALS)
    conflicted: set[str] = set()
    for seq, record_id, raw in rows:
        if record_id in conflicted:
            continue
        base, served_rev = held.get(record_id, (None, None))
        served = _served(conn, record_id, served_rev) if base is not None else None
        rev = served.rev if served is not None else 0
        if base is not None and served is not None and not _same(served, base):
            shared = _shared_rev(histories.get(record_id, []), base)
            if shared is not None:
                rev = shared
            elif _younger(served, base):
                mine = get_record(conn, record_id) or Record.model_validate_json(raw)
                mine = mine.model_copy(update={"rev": served.rev})
                _conflict(conn, mine, served, base)
                outbox.drop_pending(conn, record_id)
                put_record(conn, mine, pending=True)
                conflicted.add(record_id)
                continue
        record = Record.model_validate_json(raw).model_copy(update={"rev": rev})
        outbox.resend(conn, seq, record)
        conn.execute("UPDATE records SET rev = ? WHERE id = ?", (rev, record_id))
        if not rev:
            conn.execute("DELETE FROM server_records WHERE id = ?", (record_id,))
    return {r[1] for r in rows}


def _held(row: tuple) -> Record:
    rid, kind, child_id, rev, deleted, updated_at, updated_by, data = row[:8]
    return Record(
        id=rid,
        kind=kind,
        child_id=child_id,
        rev=rev,
        deleted=bool(deleted),
        updated_at=updated_at,
        updated_by=updated_by,
        data=json.loads(data),
    )


def _conflict(
    conn: sqlcipher3.Connection, mine: Record, theirs: Record, base: Record | None = None
) -> None:
    """The record moved on after the restore: the worker chooses (Conflicts view)."""
    fields = sorted(k for k in {*mine.data, *theirs.data} if mine.data.get(k) != theirs.data.get(k))
    conn.execute(
        "INSERT OR REPLACE INTO conflicts (record_id, child_id, base, theirs, mine, fields,"
        " created_at, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            str(mine.id),
            str(mine.child_id),
            json.dumps(base.data) if base is not None else None,
            theirs.model_dump_json(),
            mine.model_dump_json(),
            json.dumps(fields),
            datetime.now(UTC).isoformat(),
            mine.updated_at.isoformat(),
        ),
    )
    save_server_copy(conn, theirs)


def finish(
    conn: sqlcipher3.Connection, worker: str | None, histories: dict[str, list[Record]]
) -> RestoreOutcome:
    """Step 3, in the caller's transaction, once the re-read is complete;
    `histories` are the restored record's of the `questions` asked.

    Revision numbers do not show what was lost: after a restore the new
    timeline hands out the same numbers again. The laptop compares the
    versions themselves. The same as served, or in the served record's
    history: nothing was lost. Otherwise the held revision was lost; if the
    served version is older, it goes back on top of it, and if younger
    (someone changed the record after the restore) it is not pushed over
    that change but shown as a conflict for the worker to settle.
    """
    rows = _held_rows(conn)
    waiting = _rebase_waiting(conn, {str(h.id): (h, rev) for h, rev in rows}, histories)
    now = datetime.now(UTC).isoformat()
    resent = conflicts = unrecovered = 0
    children: set[str] = set()
    for held, served_rev in rows:
        rid = str(held.id)
        served = _served(conn, rid, served_rev)
        if rid in waiting or (served is not None and _same(served, held)):
            continue  # the record has it, or it goes back as the pending work
        if served is None and held.deleted:
            continue  # deleted then, and not there now
        if served is not None and _shared_rev(histories.get(rid, []), held) is not None:
            continue  # the record has it, and moved on since
        children.add(str(held.child_id))
        if held.updated_by != worker:
            conn.execute(
                "INSERT OR REPLACE INTO restore_unrecovered (id, kind, child_id, rev,"
                " updated_by, found_at) VALUES (?, ?, ?, ?, ?, ?)",
                (rid, held.kind, str(held.child_id), held.rev, held.updated_by, now),
            )
            if served is None:
                drop_record(conn, rid)
            unrecovered += 1
            continue
        mine = held.model_copy(update={"rev": served.rev if served else 0})
        put_record(conn, mine, pending=True)
        if served is not None and _younger(served, held):
            _conflict(conn, mine, served)
            conflicts += 1
            continue
        if served is not None:
            save_server_copy(conn, served)
        outbox.enqueue(conn, mine, made_at=held.updated_at, fresh=True)
        resent += 1
    refresh_children(conn, children)
    conn.execute("DELETE FROM restore_held")
    device.set_meta(conn, EPOCH, device.get_meta(conn, RECOVERING) or None)
    device.set_meta(conn, RECOVERING, None)
    outcome = RestoreOutcome(now, resent, conflicts, unrecovered)
    device.set_meta(conn, OUTCOME, json.dumps(outcome.__dict__))
    return outcome


def unrecovered_count(conn: sqlcipher3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM restore_unrecovered").fetchone()[0]


def last_outcome(conn: sqlcipher3.Connection) -> RestoreOutcome | None:
    raw = device.get_meta(conn, OUTCOME)
    return RestoreOutcome(**json.loads(raw)) if raw else None


def forget_arrived(conn: sqlcipher3.Connection, pulled: Sequence[Mapping[str, Any]]) -> None:
    """Records listed as lost that arrived again from the worker who wrote
    them (their laptop sent them back) are no longer lost."""
    if conn.execute("SELECT 1 FROM restore_unrecovered LIMIT 1").fetchone() is None:
        return
    conn.execute(
        "DELETE FROM restore_unrecovered WHERE EXISTS (SELECT 1 FROM json_each(?) p"
        " WHERE json_extract(p.value, '$[0]') = restore_unrecovered.id"
        " AND json_extract(p.value, '$[1]') = restore_unrecovered.updated_by)",
        (json.dumps([[r["id"], r["updated_by"]] for r in pulled]),),
    )
