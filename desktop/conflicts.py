"""Conflicts: the worker's version and the central record's, side by side,
until the worker chooses. Nothing is lost while a conflict is open: base,
theirs and mine are all kept in the encrypted store, and the child stays on
the laptop (it is not purged while a conflict of its is open).

Decision (issue 12, item 1): a record in conflict stays editable, and a
resolution starts from the record as it is on this laptop when the worker
resolves — not from the "mine" captured when the conflict arose. The visit
editor saves every couple of seconds and a conflict can arrive from a sync
while the worker is still typing; locking the editor then would strand that
typing, and resolving from the old "mine" threw it away. So:

- "Yours" is the current local version: everything typed since the
  conflict arose is in it. The colliding fields are worked out again from
  base, theirs and that version each time they are read.
- A newer revision pulled while the conflict is open becomes "theirs".
- The resolution is ONE new mutation on the central record's revision
  (base_rev = theirs.rev). Queued edits typed during the conflict are folded
  into it and dropped, so no mutation on an older base revision survives
  and the next sync settles the conflict (unless the record changed again
  centrally, which is a new conflict, never a lost text).
- Its `made_at` is when the worker's conflicting text was first typed, so
  the central record still takes it after the child left the caseload,
  within the policy's grace period.
- A resolution identical to the central record's version sends nothing: the
  record simply settles as theirs.
- When "theirs" is a final visit note (finalised on another laptop), the
  worker's text cannot go into the note: `keep_mine_as_addendum` settles
  the note as theirs and keeps the worker's text as an addendum. That is
  the default the conflicts view offers for final notes (item 4).

Every read here passes the repository's lease check first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlcipher3

from desktop.records import get_record
from desktop.repository import CaseRepository
from desktop.worker_text import changed_fields, keep_as_addenda
from sync.errors import RecordInvalid
from sync.kinds import display_name, long_text_fields
from sync.merge import merge_fields
from sync.wire import Record

KEPT_AS_ADDENDUM = (
    "Kept from a conflict: written on another laptop while this note was being "
    "finalised, so it could not go into the note itself."
)


@dataclass(frozen=True)
class Conflict:
    record_id: str
    child_id: str
    child_name: str
    kind: str
    fields: list[str]
    #: when the worker's conflicting text was first typed
    made_at: str
    #: the central record's version is a final visit note (item 4)
    final_note: bool = False


@dataclass(frozen=True)
class FieldVersions:
    field: str
    base: Any
    theirs: Any
    mine: Any


@dataclass(frozen=True)
class _Open:
    base: dict | None
    theirs: Record
    mine: Record
    fields: list[str]
    made_at: str


def _final_note(record: Record) -> bool:
    return record.kind == "visit" and record.data.get("status") == "final"


def open_count(conn: sqlcipher3.Connection) -> int:
    """How many conflicts wait for the worker (no lease check: a count only)."""
    return conn.execute("SELECT count(*) FROM conflicts").fetchone()[0]


def list_conflicts(repo: CaseRepository) -> list[Conflict]:
    repo.check_lease()
    conn = repo.store.conn
    ids = [r[0] for r in conn.execute("SELECT record_id FROM conflicts ORDER BY created_at")]
    out = []
    for record_id in ids:
        c = _load(conn, record_id)
        child = get_record(conn, str(c.theirs.child_id))
        out.append(
            Conflict(
                record_id,
                str(c.theirs.child_id),
                display_name(child.data) if child is not None else "",
                c.theirs.kind.value,
                c.fields,
                c.made_at,
                _final_note(c.theirs),
            )
        )
    return out


def _load(conn: sqlcipher3.Connection, record_id: str) -> _Open:
    row = conn.execute(
        "SELECT base, theirs, mine, fields, coalesce(made_at, created_at) FROM conflicts"
        " WHERE record_id = ?",
        (str(record_id),),
    ).fetchone()
    if row is None:
        raise RecordInvalid("id", "id: this record is not in conflict")
    base = json.loads(row[0]) if row[0] else None
    theirs = Record.model_validate_json(row[1])
    # Whatever was typed since the conflict arose is in the local record.
    mine = get_record(conn, str(record_id)) or Record.model_validate_json(row[2])
    return _Open(base, theirs, mine, _colliding(base, theirs, mine, json.loads(row[3])), row[4])


def _colliding(base: dict | None, theirs: Record, mine: Record, reported: list[str]) -> list[str]:
    """The fields the worker must choose for, as the versions are now."""
    differ = {
        f for f in set(theirs.data) | set(mine.data) if theirs.data.get(f) != mine.data.get(f)
    }
    if base is None:
        return sorted(differ)  # no common base: every difference is a choice
    merged = merge_fields(base, theirs.data, mine.data, long_text_fields(theirs.kind))
    return sorted({f for f, *_ in merged.conflicts} | (set(reported) & differ))


def conflict_fields(repo: CaseRepository, record_id: str) -> list[FieldVersions]:
    """The colliding fields with all three versions (base may be None)."""
    repo.check_lease()
    c = _load(repo.store.conn, record_id)
    return [
        FieldVersions(f, (c.base or {}).get(f), c.theirs.data.get(f), c.mine.data.get(f))
        for f in c.fields
    ]


Choice = str | tuple[str, Any]  # "mine" | "theirs" | ("edited", value)


def resolve(repo: CaseRepository, record_id: str, choices: dict[str, Choice]) -> Record:
    """Settle a conflict: every colliding field takes the chosen version; the
    fields that did not collide keep both sides' changes. The result is one
    new edit on the central record's revision, sent at the next sync and
    written like every edit (`CaseRepository.write_resolution`)."""
    repo.check_lease()
    conn = repo.store.conn
    c = _load(conn, record_id)
    missing = [f for f in c.fields if f not in choices]
    if missing:
        raise RecordInvalid(missing[0], f"{missing[0]}: choose mine, theirs or an edited text")
    if c.base is not None:
        data = merge_fields(
            c.base, c.theirs.data, c.mine.data, long_text_fields(c.theirs.kind)
        ).data
    else:
        data = dict(c.theirs.data)
    for name in c.fields:
        choice = choices[name]
        if choice == "mine":
            data[name] = c.mine.data.get(name)
        elif choice == "theirs":
            data[name] = c.theirs.data.get(name)
        elif isinstance(choice, tuple) and choice[0] == "edited":
            data[name] = choice[1]
        else:
            raise RecordInvalid(name, f"{name}: choose mine, theirs or an edited text")
    with repo.store.transaction() as tx:
        _close(tx, record_id)
        return repo.write_resolution(c.theirs, data, made_at=c.made_at)


def keep_mine_as_addendum(repo: CaseRepository, record_id: str) -> list[Record]:
    """Settle a conflict with a note finalised elsewhere: the note stays as
    the central record has it, and the worker's text in it becomes an
    addendum (sent at the next sync). Returns the addenda. Both writes go
    through the repository, audited."""
    repo.check_lease()
    c = _load(repo.store.conn, record_id)
    if not _final_note(c.theirs):
        raise RecordInvalid(
            "status", "status: only a conflict with a final visit note is kept as an addendum"
        )
    mine = changed_fields(c.theirs.kind, c.base, c.theirs.data, c.mine.data)
    with repo.store.transaction() as tx:
        _close(tx, record_id)
        repo.settle_as_theirs(c.theirs)
        return keep_as_addenda(repo, str(record_id), mine, made_at=c.made_at, why=KEPT_AS_ADDENDUM)


def _close(tx: sqlcipher3.Connection, record_id: str) -> None:
    tx.execute("DELETE FROM conflicts WHERE record_id = ?", (str(record_id),))
