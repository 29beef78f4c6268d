"""Audit events: the service's own (enrol, pull, push, revoke, escrow) and the
ones each laptop uploads (views, edits, exports, prints of a child's record)."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.caseload import as_utc, ever_held
from sync.server.db import among, insert_rows
from sync.server.schema import audit_events, devices, records
from sync.wire import AuditBatch, AuditEvent


def record_audit(conn: Connection, *, action: str, source: str = "server", **ids: object) -> None:
    """Append one event. `ids` are worker_id, device_id, child_id, record_id
    and a short detail; never names, notes or tokens."""
    conn.execute(
        sa.insert(audit_events).values(
            id=str(uuid.uuid4()), source=source, at=datetime.now(UTC), action=action, **ids
        )
    )


def _allowed(conn: Connection, worker_id: int, events: list[AuditEvent]) -> list[AuditEvent]:
    """The events that speak of children this worker holds or once held, and
    of records of those children. Anything else would let a laptop write
    "I looked at this" into the audit of a child it was never given."""
    record_ids = sorted({str(e.record_id) for e in events if e.record_id})
    owners: dict[str, str] = (
        dict(
            conn.execute(
                sa.select(records.c.id, records.c.child_id).where(
                    among(conn, records.c.id, record_ids)
                )
            ).all()
        )
        if record_ids
        else {}
    )
    children = {str(e.child_id) for e in events if e.child_id} | set(owners.values())
    held = ever_held(conn, worker_id, sorted(children))

    def fits(e: AuditEvent) -> bool:
        child = str(e.child_id) if e.child_id else None
        if child is not None and child not in held:
            return False
        # A record the central record has not got yet (still on the laptop)
        # cannot be checked; a known one must be of the event's child, or
        # of a child the worker held if the event names none.
        owner = owners.get(str(e.record_id)) if e.record_id else None
        if owner is None:
            return True
        return owner == child if child is not None else owner in held

    return [e for e in events if fits(e)]


def kinds_detail(counts: Counter[str]) -> str:
    """A push's detail for one child: the kinds of the records stored and
    how many ("sharing:1,visit:2"), within the column's 200 characters."""
    detail = ""
    for kind, n in sorted(counts.items()):
        part = f"{kind}:{n}"
        if len(detail) + len(part) + 1 > 200:
            break
        detail = f"{detail},{part}" if detail else part
    return detail


def record_per_child(
    conn: Connection, *, action: str, worker_id: int, device_id: str, details: dict[str, str]
) -> None:
    """One event per child a pull sent or a push stored records of, so that
    the child's trail says what reached or left which laptop. Written in
    one statement (COPY on PostgreSQL): a push of 1,000 notes over 100
    children made 100 round trips here, a sixth of the service's time."""
    at = datetime.now(UTC)
    insert_rows(
        conn,
        audit_events,
        [
            {
                "id": str(uuid.uuid4()),
                "source": "server",
                "worker_id": worker_id,
                "device_id": device_id,
                "at": at,
                "action": action,
                "child_id": child_id,
                "record_id": None,
                "detail": detail,
                "received_at": None,
            }
            for child_id, detail in sorted(details.items())
        ],
    )


def store_client_events(
    conn: Connection, *, worker_id: int, device_id: str, batch: AuditBatch
) -> None:
    """Store a laptop's uploaded events once each (by id). Events about
    children the worker never held are not stored — the laptop's own copy is
    marked sent all the same, since asking again would get the same answer —
    and their number is recorded as a server event of its own."""
    # One upload per device at a time (a row lock on PostgreSQL, the write
    # lock on SQLite): a retry that overlaps the upload it repeats then finds
    # its events stored, instead of colliding with them on the primary key.
    conn.execute(sa.update(devices).where(devices.c.id == device_id).values(id=devices.c.id))
    ids = [str(e.id) for e in batch.events]
    known = (
        set(
            conn.execute(
                sa.select(audit_events.c.id).where(among(conn, audit_events.c.id, ids))
            ).scalars()
        )
        if ids
        else set()
    )
    fresh = list({str(e.id): e for e in batch.events if str(e.id) not in known}.values())
    allowed = _allowed(conn, worker_id, fresh)
    if len(allowed) < len(fresh):
        record_audit(
            conn,
            action="audit_refused",
            worker_id=worker_id,
            device_id=device_id,
            detail=f"{len(fresh) - len(allowed)} events name a child or record "
            "not on this worker's caseload",
        )
    received = datetime.now(UTC)
    insert_rows(
        conn,
        audit_events,
        [
            {
                "id": str(e.id),
                "source": "client",
                "worker_id": worker_id,
                "device_id": device_id,
                # UTC, as every time stored here: SQLite keeps no offset,
                # and the trail orders by this column.
                "at": as_utc(e.at),
                "received_at": received,
                "action": e.action.value,
                "child_id": str(e.child_id) if e.child_id else None,
                "record_id": str(e.record_id) if e.record_id else None,
                "detail": e.detail,
            }
            for e in allowed
        ],
    )
