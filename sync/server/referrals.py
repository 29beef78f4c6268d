"""Referrals: a child a worker proposed from a laptop (when the policy's
`workers_may_create_children` allows), waiting for the central team.

The proposing worker holds the child at once, as before (their visit note
cannot wait for an office); the proposal is also a referral, which the
central team (`central-record referral …`):
- accepts: the child stays as proposed;
- merges into a child already on the record (`children.merge`): every
  record and revision of both is kept, the proposer holds the existing
  child instead;
- declines: the child's record becomes a tombstone (its revisions kept)
  and leaves every caseload, so laptops purge it after their pending work.
Each decision is audited; `referral list` shows each proposal's possible
duplicates (same NHS number, same name and date of birth).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.kinds.people import display_name
from sync.server import children
from sync.server.accounts import AdminError
from sync.server.audit import record_audit
from sync.server.caseload import as_utc, record_assignment
from sync.server.revisions import as_record, write_revisions
from sync.server.schema import assignments, records, referrals, workers
from sync.server.sequence import lock_for_write, take_seqs

PROPOSED, ACCEPTED, MERGED, DECLINED = "proposed", "accepted", "merged", "declined"


def propose(conn: Connection, *, child_id: str, worker_id: int, at: datetime) -> None:
    """A worker's push created this child: note the referral (`push`)."""
    conn.execute(
        sa.insert(referrals).values(
            child_id=child_id, worker_id=worker_id, proposed_at=at, state=PROPOSED
        )
    )


@dataclass(frozen=True)
class Referral:
    child_id: str
    worker: str
    proposed_at: datetime
    state: str
    name: str
    date_of_birth: str
    possible_duplicates: list[children.Existing]


def listing(engine: Engine, *, every: bool = False) -> list[Referral]:
    """Referrals waiting for a decision (all of them with `every`), oldest first."""
    r = referrals.c
    query = (
        sa.select(r.child_id, workers.c.name, r.proposed_at, r.state, records.c.data)
        .join(workers, workers.c.id == r.worker_id)
        .join(records, records.c.id == r.child_id)
        .order_by(r.proposed_at)
    )
    if not every:
        query = query.where(r.state == PROPOSED)
    found = []
    with engine.connect() as conn:
        for child_id, worker, at, state, raw in conn.execute(query).all():
            data = json.loads(raw)
            twins = children.similar(conn, data, exclude=child_id)
            same = children.same_nhs_number(conn, data, exclude=child_id)
            if same is not None and same not in twins:
                twins.insert(0, same)
            found.append(
                Referral(
                    child_id,
                    worker,
                    as_utc(at),
                    state,
                    display_name(data),
                    str(data.get("date_of_birth")),
                    twins,
                )
            )
    return found


def _waiting(conn: Connection, child_id: str) -> None:
    state = conn.execute(sa.select(referrals.c.state).where(referrals.c.child_id == child_id))
    found = state.scalar_one_or_none()
    if found is None:
        raise AdminError(f"There is no referral of child {child_id!r}.")
    if found != PROPOSED:
        raise AdminError(f"The referral of child {child_id} was already {found}.")


def _decided(conn: Connection, child_id: str, state: str, by: str, into: str | None = None) -> None:
    conn.execute(
        sa.update(referrals)
        .where(referrals.c.child_id == child_id)
        .values(state=state, decided_at=datetime.now(UTC), decided_by=by, merged_into=into)
    )
    record_audit(
        conn,
        action=f"referral_{state}",
        child_id=child_id,
        detail=f"by the central team{f', into {into}' if into else ''}",
    )


def accept(engine: Engine, child_id: str, *, by: str) -> None:
    with engine.begin() as conn:
        _waiting(conn, child_id)
        _decided(conn, child_id, ACCEPTED, by)


def merge(engine: Engine, child_id: str, into: str, *, by: str) -> int:
    """Merge the referred child into child `into`; the records moved."""
    with engine.begin() as conn:
        _waiting(conn, child_id)
        try:
            moved = children.merge(conn, from_id=child_id, into_id=into, by=by)
        except ValueError as exc:
            raise AdminError(str(exc)) from None
        _decided(conn, child_id, MERGED, by, into)
    return moved


def decline(engine: Engine, child_id: str, *, by: str) -> None:
    """The child is not kept: a tombstone, off every caseload."""
    with engine.begin() as conn:
        _waiting(conn, child_id)
        lock_for_write(conn, children=[child_id])
        row = conn.execute(sa.select(records).where(records.c.id == child_id)).one()
        child = as_record(row)
        holders = list(
            conn.execute(
                sa.select(assignments.c.worker_id).where(assignments.c.child_id == child_id)
            ).scalars()
        )
        now = datetime.now(UTC)
        seqs = take_seqs(conn, 1 + len(holders))
        gone = child.model_copy(
            update={"rev": child.rev + 1, "deleted": True, "updated_by": by, "updated_at": now}
        )
        write_revisions(conn, [(gone, None)], seqs[:1])
        for worker_id, seq in zip(holders, seqs[1:], strict=True):
            record_assignment(conn, worker_id, child_id, False, seq=seq, at=now)
        _decided(conn, child_id, DECLINED, by)
