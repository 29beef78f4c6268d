"""Applying pushed mutations: idempotent, authorised, validated, merged.

One push is one transaction, holding the locks of the children it writes to
and of its device (see `sequence`), so mutations of a batch apply in order,
each seeing the ones before it and every earlier push to those children (a
rule across a child's records counts them as siblings), and a replay — even
a concurrent one — finds the first result stored under its mutation id.
Pushes to other children, from other devices, run alongside.

Mutation ids belong to the device that sent them. The same id from the same
device with the same content is a retry and gets the first answer; with
other content it is refused (nothing is stored); from another device it is
a different mutation altogether, so replaying someone else's id never
returns their record.

Who may write what: sign-offs, management oversight and case supervision
only a team manager or a coordinator (`sync.kinds.oversight.may_record`).

Who may write to a child:
- a worker who holds the child;
- the central team writing from the console (`central_writes`, `central`):
  any child already on the record, but never a new child;
- a new child, when the policy lets workers create children (otherwise only
  the central team adds children);
- a worker who held the child when the edit was made, for
  `policy.edit_grace_days` after the child left their caseload. "When it was
  made" is the mutation's `made_at` (the laptop's clock, when the worker first
  typed it): the worker must have held the child then, by the assignment
  events, and `made_at` may not be more than `MADE_AT_TOLERANCE` ahead of this
  service's clock.

A write of the central record itself (`central_writes`, the console: a
partner's report, a meeting's minutes) is made for a signed-in account
whose route checked its permission; it may write to any child on the record
and holds none of them by writing (`central=True`).

Need to know (`sync.kinds.restriction`): a worker may not change a record
restricted to agencies theirs is not among (refused naming the field, and
the answer carries nothing of the record), nor send a restriction that
leaves out their own agency.

Why `made_at` can be trusted that far: it is the laptop's word, and a laptop
could lie about it. A lie gains only what the worker already had: writing to
a child they held, for at most the grace period after it left them — never a
child they did not hold, and never after the grace period. Every edit so
accepted carries their name and mutation id in the child's history, as any
other edit does, and is merged with (or conflicts with) whatever the new
holder has written since, never over it. The alternative — refusing the
text a worker typed in the car before the reassignment reached them — loses
the record of a visit.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.errors import RecordInvalid
from sync.kinds import (
    Sibling,
    check_update,
    check_with_siblings,
    long_text_fields,
    sibling_kinds,
    validate_data,
)
from sync.kinds.oversight import ONLY_MANAGERS, may_record
from sync.kinds.restriction import NOT_YOURS, check_restriction, may_see
from sync.merge import merge_fields
from sync.server import children, referrals
from sync.server.caseload import as_utc, assignment_history, held_children, record_assignment
from sync.server.db import among, insert_rows
from sync.server.revisions import as_record, revision_data, write_revisions
from sync.server.schema import mutations, records
from sync.server.sequence import lock_for_write, take_seqs
from sync.server.team_holds import Hold, new_child_holds
from sync.wire import FieldConflict, Mutation, MutationResult, MutationStatus, Policy, Record

# How far a laptop's clock may run ahead of this service's and its `made_at`
# still count: a clock minutes fast is common, hours fast is broken.
MADE_AT_TOLERANCE = timedelta(minutes=10)

NOT_HELD = "child_id: this child is not on your caseload"
NO_LONGER_HELD = (
    "child_id: this child is no longer on your caseload, and this change was not made "
    "while it was, or it left your caseload too long ago to accept it"
)
ONLY_CENTRAL_TEAM = (
    "child_id: only the central team can add a child to the central record; "
    "ask them to add this child to your caseload"
)
REUSED_ID = "mutation_id: already used for a different change; this change was not stored"


def _rejected(m: Mutation, reason: str, record: Record | None = None) -> MutationResult:
    return MutationResult(
        mutation_id=m.mutation_id, status=MutationStatus.rejected, reason=reason, record=record
    )


def content_hash(m: Mutation) -> str:
    """What a mutation carries, less its id, as this service reads it. A
    retry resends the outbox's stored JSON unchanged; pydantic's serialiser
    keeps the order it was sent in, and costs a tenth of sorting it here."""
    return hashlib.sha256(m.model_dump_json(exclude={"mutation_id"}).encode()).hexdigest()


class _Batch:
    """What one push decides, in order, before it is written in bulk."""

    def __init__(
        self,
        conn: Connection,
        worker_id: int,
        worker: str,
        role: str,
        agency: str,
        policy: Policy,
        batch: list[Mutation],
        central: bool = False,
    ) -> None:
        self.conn, self.worker_id, self.worker, self.policy = conn, worker_id, worker, policy
        self.role = role
        self.agency = agency
        self.now = datetime.now(UTC)
        ids = list({str(m.record.id) for m in batch})
        self.current: dict[str, Record] = {}
        for row in conn.execute(sa.select(records).where(among(conn, records.c.id, ids))):
            self.current[row.id] = as_record(row)
        self.held = held_children(conn, worker_id)
        if central:
            # The central team's own writes (`central_writes`): any child
            # already on the record, or one this batch creates.
            named = sorted({str(m.record.child_id) for m in batch})
            self.held |= {str(m.record.id) for m in batch if m.record.kind.value == "child"}
            self.held |= {
                cid
                for (cid,) in conn.execute(
                    sa.select(records.c.id).where(
                        among(conn, records.c.id, named), records.c.kind == "child"
                    )
                )
            }
        self.revisions: list[tuple[Record, str | None]] = []
        # The order in which sequence numbers are taken: ("assign", Hold) or ("rev", index).
        self.order: list[tuple[str, object]] = []
        self._siblings: dict[tuple[str, str], dict[str, Record]] = {}
        # Children this push creates: each a referral for the central team.
        self.proposed: list[str] = []

    def store(self, record: Record, mutation_id: str) -> None:
        self.order.append(("rev", len(self.revisions)))
        self.revisions.append((record, mutation_id))
        rid = str(record.id)
        self.current[rid] = record
        family = self._siblings.get((str(record.child_id), record.kind.value))
        if family is not None:
            family[rid] = record

    def assign_new_child(self, child_id: str) -> None:
        # The worker's hold, and their team manager's (see `team_holds`).
        for hold in new_child_holds(self.conn, self.worker_id, child_id):
            self.order.append(("assign", hold))
        self.held.add(child_id)
        self.proposed.append(child_id)

    def may_write_after_leaving(self, child_id: str, made_at: datetime | None) -> str | None:
        """None if an edit made at `made_at` of a child this worker no longer
        holds is accepted (see the module docstring), else the reason."""
        history = assignment_history(self.conn, self.worker_id, child_id)
        if not history:
            return NOT_HELD
        left_at, assigned = history[-1]
        if made_at is None or assigned:
            return NO_LONGER_HELD
        made_at = as_utc(made_at)
        if made_at > self.now + MADE_AT_TOLERANCE:
            return NO_LONGER_HELD
        if self.now - left_at > timedelta(days=self.policy.edit_grace_days):
            return NO_LONGER_HELD
        held_then = [was for at, was in history if at <= made_at]
        return None if held_then and held_then[-1] else NO_LONGER_HELD

    def check_siblings(self, kind: str, record_id: str, child_id: str, data: dict) -> None:
        """The rules across the child's records, against what is stored and
        what this batch has stored before (RecordInvalid)."""
        needed = sibling_kinds(kind)
        others = [
            Sibling(str(r.id), r.kind.value, r.data)
            for k in needed
            for r in self._family(child_id, k).values()
            if not r.deleted
        ]
        child = self.current.get(child_id) if needed else None
        if needed and child is None:
            row = self.conn.execute(sa.select(records).where(records.c.id == child_id)).first()
            child = as_record(row) if row else None
        check_with_siblings(
            kind,
            data,
            record_id=record_id,
            child=child.data if child and not child.deleted else None,
            others=others,
            now=self.now,
        )

    def _family(self, child_id: str, kind: str) -> dict[str, Record]:
        key = (child_id, kind)
        if key not in self._siblings:
            rows = self.conn.execute(
                sa.select(records).where(records.c.child_id == child_id, records.c.kind == kind)
            )
            family = {row.id: as_record(row) for row in rows}
            # This batch's own versions are newer than the stored ones.
            family |= {
                rid: r
                for rid, r in self.current.items()
                if str(r.child_id) == child_id and r.kind.value == kind
            }
            self._siblings[key] = family
        return self._siblings[key]

    def flush(self) -> None:
        if not self.order:
            return
        seqs = take_seqs(self.conn, len(self.order))
        rev_seqs = []
        for (what, item), seq in zip(self.order, seqs, strict=True):
            if what == "assign" and isinstance(item, Hold):
                record_assignment(
                    self.conn,
                    item.worker_id,
                    item.child_id,
                    True,
                    seq=seq,
                    at=self.now,
                    via=item.via,
                )
            else:
                rev_seqs.append(seq)
        write_revisions(self.conn, self.revisions, rev_seqs)
        for child_id in self.proposed:
            referrals.propose(self.conn, child_id=child_id, worker_id=self.worker_id, at=self.now)


def apply_push(
    conn: Connection,
    *,
    worker_id: int,
    worker: str,
    agency: str,
    device_id: str,
    policy: Policy,
    batch: list[Mutation],
    role: str,
    central: bool = False,
) -> list[MutationResult]:
    # Retries are told apart by what the laptop sent, before any redirection.
    digests = [content_hash(m) for m in batch]
    batch = _redirect_merged(conn, batch)
    lock_for_write(conn, children={str(m.record.child_id) for m in batch}, device=device_id)
    mids = [str(m.mutation_id) for m in batch]
    firsts: dict[str, tuple[str, str | None]] = {
        mid: (result, digest)
        for mid, result, digest in conn.execute(
            sa.select(mutations.c.mutation_id, mutations.c.result, mutations.c.content_hash).where(
                mutations.c.device_id == device_id, among(conn, mutations.c.mutation_id, mids)
            )
        )
    }
    state = _Batch(conn, worker_id, worker, role, agency, policy, batch, central)
    results, stored = [], []
    for m, digest in zip(batch, digests, strict=True):
        mid = str(m.mutation_id)
        if mid in firsts:
            first, first_digest = firsts[mid]
            if first_digest is not None and first_digest != digest:
                results.append(_rejected(m, REUSED_ID))
            else:
                results.append(MutationResult.model_validate_json(first))  # a retry
            continue
        result = _apply_one(state, m)
        if result.status is not MutationStatus.conflict:
            # Conflicts are not stored: resolving one is a new mutation.
            firsts[mid] = (result.model_dump_json(), digest)
            stored.append(
                {
                    "device_id": device_id,
                    "mutation_id": mid,
                    "result": firsts[mid][0],
                    "content_hash": digest,
                    "created_at": state.now,
                }
            )
        results.append(result)
    state.flush()
    if stored:
        insert_rows(conn, mutations, stored)
    return results


def _redirect_merged(conn: Connection, batch: list[Mutation]) -> list[Mutation]:
    """A laptop's edit of a record of a child since merged into another
    (`children.merge`) is an edit of that record under the surviving child:
    work typed offline never becomes an orphan. The child's own record is
    left as sent (it is a tombstone now; an edit of it is refused)."""
    merged = children.merged_into(conn, sorted({str(m.record.child_id) for m in batch}))
    if not merged:
        return batch
    out = []
    for m in batch:
        into = merged.get(str(m.record.child_id))
        if into is not None and str(m.record.id) != str(m.record.child_id):
            m = m.model_copy(
                update={"record": m.record.model_copy(update={"child_id": uuid.UUID(into)})}
            )
        out.append(m)
    return out


def _apply_one(state: _Batch, m: Mutation) -> MutationResult:
    rec = m.record
    rid, child_id = str(rec.id), str(rec.child_id)
    current = state.current.get(rid)
    new_child = rec.kind == "child" and rid == child_id and current is None
    if new_child and child_id not in state.held:
        if not state.policy.workers_may_create_children:
            return _rejected(m, ONLY_CENTRAL_TEAM)
    elif child_id not in state.held:
        refused = state.may_write_after_leaving(child_id, m.made_at)
        if refused:
            return _rejected(m, refused)
    if current is not None and not may_see(state.agency, current.data):
        # Before anything that answers with the stored record.
        return _rejected(m, NOT_YOURS)
    if not may_record(rec.kind.value, state.role):
        return _rejected(m, ONLY_MANAGERS)
    if current is not None and str(current.child_id) != child_id:
        return _rejected(m, "child_id: a record cannot move to another child")
    if current is not None and current.kind != rec.kind:
        return _rejected(m, "kind: a record cannot change its kind")
    if rec.kind == "child" and rid != child_id:
        return _rejected(m, "child_id: a child's own record must have id == child_id")
    try:
        mine = validate_data(rec.kind, rec.data)
    except RecordInvalid as exc:
        return _rejected(m, exc.message)

    if current is None:
        if m.base_rev != 0:
            return _rejected(m, "base_rev: the central record has no such record")
        try:
            check_restriction(rec.kind.value, mine, state.agency)
            # A create is held to the same change rules as on the laptop (a
            # new screening's rationale), not only an edit.
            check_update(rec.kind, None, mine)
            if not rec.deleted:
                state.check_siblings(rec.kind.value, rid, child_id, mine)
        except RecordInvalid as exc:
            return _rejected(m, exc.message)
        stored = rec.model_copy(update={"rev": 1, "data": mine, "updated_by": state.worker})
        if new_child and child_id not in state.held:
            state.assign_new_child(child_id)
        state.store(stored, str(m.mutation_id))
        return MutationResult(
            mutation_id=m.mutation_id, status=MutationStatus.applied, record=stored
        )

    if m.base_rev > current.rev:
        return _rejected(m, "base_rev: newer than the central record's revision")
    status = MutationStatus.applied
    deleted = rec.deleted
    if m.base_rev != current.rev:
        base = (revision_data(state.conn, rid, m.base_rev) if m.base_rev else None) or {}
        if not may_see(state.agency, base):
            # A base the worker could never have held (restricted then): merged
            # as if unknown, so a conflict's `base` carries nothing of it.
            base = {}
        base_deleted = base.pop("__deleted__", False)
        merged = merge_fields(
            {**base, "__deleted__": base_deleted},
            dict(current.data, __deleted__=current.deleted),
            dict(mine, __deleted__=rec.deleted),
            long_text_fields(rec.kind),
        )
        if merged.conflicts:
            return MutationResult(
                mutation_id=m.mutation_id,
                status=MutationStatus.conflict,
                record=current,
                conflicts=[
                    FieldConflict(
                        field=f.replace("__deleted__", "deleted"), base=b, server=t, client=c
                    )
                    for f, b, t, c in merged.conflicts
                ],
            )
        deleted = bool(merged.data.pop("__deleted__", False))
        try:
            mine = validate_data(rec.kind, merged.data)
        except RecordInvalid as exc:
            return _rejected(m, f"the merged record is not valid: {exc.message}", current)
        status = MutationStatus.merged
    try:
        # On the merged record too: the other side's restriction may be the one kept.
        check_restriction(rec.kind.value, mine, state.agency)
        check_update(rec.kind, current.data, mine)
    except RecordInvalid as exc:
        return _rejected(m, exc.message, current)
    if mine == current.data and deleted == current.deleted:
        # Nothing new (for example the same edit made on two devices).
        return MutationResult(mutation_id=m.mutation_id, status=status, record=current)
    try:
        if not deleted:
            state.check_siblings(rec.kind.value, rid, child_id, mine)
    except RecordInvalid as exc:
        return _rejected(m, exc.message, current)
    stored = Record(
        id=rec.id,
        kind=rec.kind,
        child_id=rec.child_id,
        rev=current.rev + 1,
        deleted=deleted,
        updated_at=state.now if status is MutationStatus.merged else rec.updated_at,
        updated_by=state.worker,
        data=mine,
    )
    state.store(stored, str(m.mutation_id))
    return MutationResult(mutation_id=m.mutation_id, status=status, record=stored)
