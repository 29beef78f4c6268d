"""Access audit: every view, edit, export and print of a child's record.

Events are stored in the encrypted database and pushed to the central record
by the sync engine. They carry ids and an action, never case content.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlcipher3
from pydantic import TypeAdapter

from desktop.bulk import json_list
from sync.wire import AuditAction, AuditEvent

ACTIONS = frozenset(a.value for a in AuditAction)
_EVENTS = TypeAdapter(list[AuditEvent])


def append(
    conn: sqlcipher3.Connection,
    *,
    actor: str,
    action: str,
    child_id: str | None,
    record_id: str | None = None,
    detail: str | None = None,
) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO audit_events (id, at, actor, action, child_id, record_id, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            event_id,
            datetime.now(UTC).isoformat(),
            actor,
            action,
            str(child_id) if child_id else None,
            str(record_id) if record_id else None,
            detail,
        ),
    )
    return event_id


def unpushed(conn: sqlcipher3.Connection, limit: int = 1000) -> list[AuditEvent]:
    # One row holding every event (see desktop.bulk), validated in one call.
    row = conn.execute(
        "SELECT json_group_array(json_object('id', id, 'at', at, 'action', action,"
        " 'child_id', child_id, 'record_id', record_id, 'detail', detail)) FROM"
        " (SELECT * FROM audit_events WHERE pushed = 0 ORDER BY at LIMIT ?)",
        (limit,),
    ).fetchone()
    return _EVENTS.validate_json(row[0])


def mark_pushed(conn: sqlcipher3.Connection, event_ids: list[str]) -> None:
    conn.execute(
        "UPDATE audit_events SET pushed = 1 WHERE id IN (SELECT value FROM json_each(?))",
        (json_list([str(i) for i in event_ids]),),
    )


def events_for_child(conn: sqlcipher3.Connection, child_id: str) -> list[tuple[str, str, str]]:
    """(at, actor, action) for one child, newest first."""
    return conn.execute(
        "SELECT at, actor, action FROM audit_events WHERE child_id = ? ORDER BY at DESC",
        (str(child_id),),
    ).fetchall()
