"""Typing a form cannot save yet, kept inside the vault until it can.

A note over the length limit, a missing episode that breaks the national
return's rules, a concern without its source: the record cannot take them,
but the worker's words must not be lost at a lock, a quit or when another
child is opened (DESIGN.md: nothing a worker typed is dropped without
asking). The form's content is kept here, valid or not, in the encrypted
store — never in a file beside it — with the reason it could not be saved,
and comes back when the worker returns to that form. It goes when the form
is saved, or when the worker discards it after confirming.

A draft is addressed by (form, child, record): the record being edited, or
none for a new one. Drafts hold case content: read them through the case
reader (behind the offline lease).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlcipher3

NEW = ""  # the record key of a form for a new record


@dataclass(frozen=True)
class Draft:
    form: str
    child_id: str
    record_id: str | None  # None: a new record
    data: dict[str, Any]  # what the form held, as the form gives it
    problem: str  # why it could not be saved: names the field, never the content
    saved_at: str


def _key(record_id: str | None) -> str:
    return str(record_id) if record_id else NEW


def _draft(row: tuple) -> Draft:
    form, child_id, key, data, problem, saved_at = row
    return Draft(form, child_id, key or None, json.loads(data), problem, saved_at)


_COLUMNS = "form, child_id, record_key, data, problem, saved_at"


def keep(
    conn: sqlcipher3.Connection,
    *,
    form: str,
    child_id: str,
    record_id: str | None,
    data: dict[str, Any],
    problem: str,
) -> None:
    """Store (or replace) the form's draft, inside the caller's transaction."""
    conn.execute(
        f"INSERT OR REPLACE INTO drafts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (
            form,
            str(child_id),
            _key(record_id),
            json.dumps(data, ensure_ascii=False),
            problem,
            datetime.now(UTC).isoformat(),
        ),
    )


def find(
    conn: sqlcipher3.Connection, form: str, child_id: str, record_id: str | None
) -> Draft | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM drafts WHERE form = ? AND child_id = ? AND record_key = ?",
        (form, str(child_id), _key(record_id)),
    ).fetchone()
    return _draft(row) if row else None


def for_child(conn: sqlcipher3.Connection, child_id: str, form: str | None = None) -> list[Draft]:
    """The child's drafts, newest first (of one form, when given)."""
    sql = f"SELECT {_COLUMNS} FROM drafts WHERE child_id = ?"
    params: list[Any] = [str(child_id)]
    if form:
        sql += " AND form = ?"
        params.append(form)
    return [_draft(r) for r in conn.execute(sql + " ORDER BY saved_at DESC", params)]


def drop(conn: sqlcipher3.Connection, form: str, child_id: str, record_id: str | None) -> None:
    conn.execute(
        "DELETE FROM drafts WHERE form = ? AND child_id = ? AND record_key = ?",
        (form, str(child_id), _key(record_id)),
    )


def count(conn: sqlcipher3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
