"""The worker-facing case repository: validated writes, each with its outbox
mutation and audit event in one transaction.

A write either stores the record, its search and due-date rows, its outbox
mutation and its audit event together, or — on any error — none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlcipher3

from desktop import audit, device, drafts, outbox, partner_news
from desktop.case_reader import CaseReader
from desktop.records import (
    drop_server_copy,
    get_record,
    keep_server_copy,
    put_record,
    records_of_child,
    refresh_children,
)
from desktop.store import Store
from sync.errors import RecordInvalid
from sync.kinds import Sibling, check_update, check_with_siblings, sibling_kinds, validate_data
from sync.kinds.restriction import check_restriction
from sync.wire import Kind, Record

#: the audit detail of a conflict's resolution (never case content)
RESOLVED = "resolved a conflict"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NotSaved:
    """`save_or_keep`'s answer when the record refused the form: the typing
    is kept as a draft, and `problem` says why (its field and rule)."""

    problem: RecordInvalid


class CaseRepository(CaseReader):
    """Reads (`CaseReader`: each behind the offline lease) and writes one
    worker's local case records.

    Callers must use it from one thread at a time (the UI's database worker).
    """

    def __init__(self, store: Store, worker: str, *, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(store, clock=clock)
        self.worker = worker

    # -- reads beyond CaseReader's ------------------------------------------------

    def view_child(self, child_id: str | uuid.UUID) -> Record | None:
        """The child's own record, with a 'view' audit event."""
        self.check_lease()
        with self.store.transaction() as conn:
            audit.append(conn, actor=self.worker, action="view", child_id=str(child_id))
        return self.get(child_id)

    def mark_partner_seen(self, record_id: str | uuid.UUID) -> bool:
        """The worker opened a record a partner reported: no longer new
        (kept on this laptop only, `partner_news`). True if it was new."""
        with self.store.transaction() as conn:
            return partner_news.mark_seen(conn, str(record_id))

    def audit(
        self,
        action: str,
        child_id: str | uuid.UUID,
        record_id: str | None = None,
        *,
        detail: str | None = None,
    ) -> None:
        """Record an export or print (or a view the caller makes itself);
        `detail` is never case content."""
        with self.store.transaction() as conn:
            audit.append(conn, actor=self.worker, action=action, child_id=str(child_id),
                         record_id=record_id, detail=detail)  # fmt: skip

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

    # -- settling a conflict (desktop.conflicts decides; the writes are here) -----

    def write_resolution(self, theirs: Record, data: dict[str, Any], *, made_at: str) -> Record:
        """The worker's resolution of a conflict: ONE new edit on the central
        record's revision (`theirs.rev`), a mutation of its own dated
        `made_at` (when the conflicting text was first typed), audited like
        every edit. Data the same as theirs settles the record as theirs
        and sends nothing. The caller closes the conflict in the same
        transaction."""
        clean = validate_data(theirs.kind, data)
        check_update(theirs.kind, theirs.data, clean)
        if clean == theirs.data:
            return self.settle_as_theirs(theirs)
        resolved = theirs.model_copy(
            update={"data": clean, "updated_at": self.clock(), "updated_by": self.worker}
        )
        with self.store.transaction() as conn:
            outbox.drop_unsent(conn, str(theirs.id))  # typed during the conflict: it is in `data`
            # Never folded into an older mutation: that one's base revision is stale.
            self._commit(conn, resolved, made_at=made_at, fresh=True, detail=RESOLVED)
        return resolved

    def settle_as_theirs(self, theirs: Record) -> Record:
        """The record becomes the central record's version with nothing
        queued (a conflict settled their way); audited as an edit."""
        rid = str(theirs.id)
        with self.store.transaction() as conn:
            outbox.drop_unsent(conn, rid)
            drop_server_copy(conn, rid)
            put_record(conn, theirs, pending=False)
            refresh_children(conn, [str(theirs.child_id)])
            audit.append(conn, actor=self.worker, action="edit", child_id=str(theirs.child_id),
                         record_id=rid, detail=RESOLVED)  # fmt: skip
        return theirs

    # -- typing that cannot be saved yet (desktop.drafts) -------------------------

    def save_or_keep(
        self,
        form: str,
        child_id: str | uuid.UUID,
        record_id: str | None,
        data: dict[str, Any],
        write: Callable[[CaseRepository], Record],
    ) -> Record | NotSaved:
        """Run `write`; if the record refuses it (RecordInvalid), keep `data`
        — what the form holds — as the form's draft instead, and say why.
        Saving drops the draft in the same transaction, so the draft and the
        record never both claim to be the latest words."""
        with self.store.transaction() as conn:
            try:
                record = write(self)
            except RecordInvalid as exc:
                drafts.keep(conn, form=form, child_id=str(child_id), record_id=record_id,
                            data=data, problem=exc.message)  # fmt: skip
                return NotSaved(exc)
            drafts.drop(conn, form, str(child_id), record_id)
            return record

    def drop_draft(self, form: str, child_id: str | uuid.UUID, record_id: str | None) -> None:
        """The worker chose to discard what the form could not save."""
        with self.store.transaction() as conn:
            drafts.drop(conn, form, str(child_id), record_id)

    def discard_unsent(self, record_id: str | uuid.UUID) -> None:
        """Take back a new record that never reached the central record (a
        visit note started by mistake): the record, its search and hotspot
        rows and its waiting mutation go together. Refused once any of it has
        been handed to the network; from then on the record is the central
        record's too, and is corrected or marked entered in error instead."""
        record = self._existing(record_id)
        rid = str(record.id)
        with self.store.transaction() as conn:
            if record.rev > 0 or outbox.handed_over(conn, rid):
                raise RecordInvalid(
                    "id", "id: this record has been sent to the central record; mark it"
                    " entered in error instead"
                )  # fmt: skip
            conn.execute(
                "DELETE FROM search_index WHERE rowid = (SELECT seq FROM records WHERE id = ?)",
                (rid,),
            )
            for table in ("places", "due_items"):
                conn.execute(f"DELETE FROM {table} WHERE record_id = ?", (rid,))
            outbox.forget_record(conn, rid)
            conn.execute("DELETE FROM records WHERE id = ?", (rid,))
            drafts.drop(conn, record.kind, str(record.child_id), rid)
            refresh_children(conn, [str(record.child_id)])
            audit.append(conn, actor=self.worker, action="edit", child_id=str(record.child_id),
                         record_id=rid, detail="discarded before it was sent")  # fmt: skip

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
            self._check_restriction(conn, kind, clean)
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
            self._commit(conn, record)
        return record

    def _commit(
        self,
        conn: sqlcipher3.Connection,
        record: Record,
        *,
        made_at: str | None = None,
        fresh: bool = False,
        detail: str | None = None,
    ) -> None:
        """Every local edit's rows: the record (waiting to send), its
        mutation, its child's summary and the audit event."""
        put_record(conn, record, pending=True)
        outbox.enqueue(conn, record, made_at=made_at, fresh=fresh)
        refresh_children(conn, [str(record.child_id)])
        audit.append(conn, actor=self.worker, action="edit", child_id=str(record.child_id),
                     record_id=str(record.id), detail=detail)  # fmt: skip

    def _check_restriction(self, conn: sqlcipher3.Connection, kind: str, data: dict) -> None:
        # The central record's rule, asked here so a restriction leaving out
        # the worker's own agency is refused at the field, not after a sync.
        # Before the first sync says which agency the worker is in, only the
        # rules that need no agency (a child's own record) can be asked.
        me = device.me(conn)
        if me is not None:
            check_restriction(kind, data, me.agency)
        elif kind == Kind.child:
            check_restriction(kind, data, "")

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
