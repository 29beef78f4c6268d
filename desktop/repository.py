"""The worker-facing case repository: validated writes, each with its outbox
mutation and audit event in one transaction.

A write either stores the record, its search and due-date rows, its outbox
mutation and its audit event together, or — on any error — none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from desktop import audit, device, outbox
from desktop.errors import LeaseExpired
from desktop.records import (
    get_record,
    keep_server_copy,
    put_record,
    record_from_row,
    records_of_child,
    refresh_children,
)
from desktop.store import Store
from sync.errors import RecordInvalid
from sync.kinds import Sibling, check_update, check_with_siblings, sibling_kinds, validate_data
from sync.wire import Kind, Record


def _now() -> datetime:
    return datetime.now(UTC)


class CaseRepository:
    """Reads and writes one worker's local case records.

    Callers must use it from one thread at a time (the UI's database worker).
    """

    def __init__(self, store: Store, worker: str, *, clock: Callable[[], datetime] = _now) -> None:
        self.store = store
        self.worker = worker
        self.clock = clock

    # -- reads ---------------------------------------------------------------

    def check_lease(self) -> None:
        """Raise LeaseExpired when case records must be hidden (DESIGN.md, offline lease)."""
        if device.lease(self.store.conn, self.clock()).expired:
            raise LeaseExpired()

    def get(self, record_id: str | uuid.UUID) -> Record | None:
        self.check_lease()
        return get_record(self.store.conn, str(record_id))

    def records_for_child(self, child_id: str | uuid.UUID, kind: str | None = None) -> list[Record]:
        self.check_lease()
        return records_of_child(self.store.conn, str(child_id), kind)

    def children(self) -> list[Record]:
        self.check_lease()
        rows = self.store.conn.execute(
            "SELECT id, kind, child_id, rev, deleted, updated_at, updated_by, data FROM records"
            " WHERE kind = 'child' AND deleted = 0 ORDER BY title"
        )
        return [record_from_row(r) for r in rows]  # one query, not one per child

    def view_child(self, child_id: str | uuid.UUID) -> Record | None:
        """The child's own record, with a 'view' audit event."""
        self.check_lease()
        with self.store.transaction() as conn:
            audit.append(conn, actor=self.worker, action="view", child_id=str(child_id))
        return self.get(child_id)

    def audit(self, action: str, child_id: str | uuid.UUID, record_id: str | None = None) -> None:
        """Record an export or print (or a view the caller makes itself)."""
        with self.store.transaction() as conn:
            audit.append(
                conn, actor=self.worker, action=action, child_id=str(child_id), record_id=record_id
            )

    # -- writes --------------------------------------------------------------

    def create(
        self, kind: str, data: dict[str, Any], *, child_id: str | uuid.UUID | None = None
    ) -> Record:
        """A new record. A child's own record gets a fresh id that is its child id."""
        record_id = uuid.uuid4()
        if kind == Kind.child:
            child_id = record_id
        elif child_id is None:
            raise RecordInvalid("child_id", "child_id: a record must belong to a child")
        return self._write(kind, str(record_id), str(child_id), data, old=None)

    def update(self, record_id: str | uuid.UUID, changes: dict[str, Any]) -> Record:
        """Change some fields of a record; the others keep their values."""
        old = self._existing(record_id)
        return self._write(
            old.kind, str(old.id), str(old.child_id), {**old.data, **changes}, old=old
        )

    def mark_entered_in_error(self, record_id: str | uuid.UUID, reason: str) -> Record:
        if not reason.strip():
            raise RecordInvalid("entered_in_error_reason", "entered_in_error_reason: give a reason")
        return self.update(record_id, {"entered_in_error": True, "entered_in_error_reason": reason})

    def close(self, record_id: str | uuid.UUID, note: str | None = None) -> Record:
        """Close a record that is no longer active; kinds with a status of
        their own (plans, missing-education episodes) get status `closed` too,
        so every view agrees. An open missing episode is not closed: the child
        is still missing until an end time is recorded."""
        old = self._existing(record_id)
        changes: dict[str, Any] = {"closed": True, "status_note": note}
        if old.kind == Kind.plan:
            changes["status"] = "closed"
            changes["closure_reason"] = old.data.get("closure_reason") or note
        elif old.kind == Kind.cme_episode:
            changes["status"] = "closed"
        elif old.kind == Kind.missing_episode and not old.data.get("end"):
            raise RecordInvalid("end", "end: record when the child came back, then close")
        return self.update(record_id, changes)

    def finalise_visit(self, visit_id: str | uuid.UUID) -> Record:
        old = self._existing(visit_id)
        if old.kind != Kind.visit:
            raise RecordInvalid("kind", "kind: only a visit note can be finalised")
        if old.data.get("status") == "final":
            raise RecordInvalid("status", "status: this visit note is already final")
        changes = {
            "status": "final",
            "finalised_at": self.clock().isoformat(),
            "finalised_by": self.worker,
        }
        return self.update(visit_id, changes)

    def add_addendum(
        self, visit_id: str | uuid.UUID, text: str, reason: str = "correction"
    ) -> Record:
        visit = self._existing(visit_id)
        if visit.kind != Kind.visit or visit.data.get("status") != "final":
            raise RecordInvalid(
                "visit_id", "visit_id: addenda are for final visit notes; edit the draft instead"
            )
        data = {
            "visit_id": str(visit.id),
            "text": text,
            "reason": reason,
            "written_at": self.clock().isoformat(),
        }
        return self.create(Kind.addendum, data, child_id=visit.child_id)

    def _existing(self, record_id: str | uuid.UUID) -> Record:
        record = get_record(self.store.conn, str(record_id))
        if record is None or record.deleted:
            raise RecordInvalid("id", "id: no such record on this laptop")
        return record

    def _write(
        self, kind: str, record_id: str, child_id: str, data: dict[str, Any], old: Record | None
    ) -> Record:
        clean = validate_data(kind, data)
        check_update(kind, old.data if old else None, clean)
        with self.store.transaction() as conn:
            if kind != Kind.child and get_record(conn, child_id) is None:
                raise RecordInvalid("child_id", "child_id: that child is not on this laptop")
            self._check_siblings(kind, child_id, record_id, clean)
            record = Record(
                id=record_id,
                kind=kind,
                child_id=child_id,
                rev=old.rev if old else 0,
                updated_at=self.clock(),
                updated_by=self.worker,
                data=clean,
            )
            keep_server_copy(conn, record_id)
            put_record(conn, record, pending=True)
            outbox.enqueue(conn, record)
            refresh_children(conn, [child_id])
            audit.append(
                conn, actor=self.worker, action="edit", child_id=child_id, record_id=record_id
            )
        return record

    def _check_siblings(self, kind: str, child_id: str, record_id: str, data: dict) -> None:
        # The same rules the central record applies (sync.kinds.siblings).
        child = get_record(self.store.conn, child_id) if kind != Kind.child else None
        others = [
            Sibling(str(r.id), r.kind, r.data)
            for sibling_kind in sibling_kinds(kind)
            for r in records_of_child(self.store.conn, child_id, sibling_kind)
            if not r.deleted
        ]
        check_with_siblings(
            kind,
            data,
            record_id=record_id,
            child=child.data if child else None,
            others=others,
            now=self.clock(),
        )
