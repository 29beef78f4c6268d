"""Break-the-glass: a worker opens a child who is not on their caseload, at
once, online, by stating why; the central record grants the child for the
policy's `temporary_access_hours` (default 24) and records who, when and why.

A grant is an assignment event like any other (the feed reads holdings from
the events, `feed.held_at`, and needs nothing new): granting assigns the
child, and its end is an unassign event written at the grant's `ends_at`,
lazily, by the first request of that worker after it (`expire`: every feed,
push and history request calls it first). The unassign event is dated at
`ends_at`, not when it was written, so the push rule for edits made after a
child left a caseload (`push.may_write_after_leaving`) accepts exactly the
edits made while the grant was in force: the laptop's pending work made
during the grant still reaches the record after it ends, and the laptop
purges the child once that work is settled (`desktop.purges`).

The expiry ends only the hold the grant made (`assigned_seq`): if the
child was assigned to the worker for good meanwhile (`make_permanent`),
the grant is closed and nothing is unassigned.

The reason is case content: it is stored with the grant, never in the
audit event's detail nor a log.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.people import display_name
from sync.server import child_search
from sync.server.api_errors import ApiError
from sync.server.audit import record_audit
from sync.server.caseload import as_utc, holds, record_assignment
from sync.server.schema import assignment_events, policy, records, temporary_access, workers
from sync.server.sequence import lock_for_write, take_seqs
from sync.wire import ChildFound, ChildSearch, TemporaryAccess

DEFAULT_HOURS = 24
SEARCH_LIMIT = 20

NOT_ALLOWED = "Break-the-glass access is not allowed by the council's policy."
NO_SUCH_CHILD = "No such child on the central record."
ALREADY_HELD = "child_id: this child is already on your caseload."
RESTRICTED = (
    "This child's record is restricted to other agencies: ask the child's manager "
    "or the central team."
)


def access_hours(conn: Connection) -> int:
    """The policy's grant length in hours; 0 when break-the-glass is not allowed."""
    return int(conn.execute(sa.select(policy.c.temporary_access_hours)).scalar_one())


def restricted_beyond(child: dict, agency: str) -> bool:
    """Whether the child's own record is restricted to agencies that do not
    include `agency`. The hook for need-to-know records (issue 17 item 2):
    a child record carrying `restricted_to` (agency codes) is read here; a
    record without one is open to every agency that may read case records."""
    allowed = child.get("restricted_to") or []
    return bool(allowed) and agency not in allowed


def _agency(conn: Connection, worker_id: int) -> str:
    return conn.execute(sa.select(workers.c.agency).where(workers.c.id == worker_id)).scalar_one()


def search(conn: Connection, ask: ChildSearch, worker_id: int) -> tuple[list[ChildFound], bool]:
    """Children matching every criterion given, with only name, date of birth
    and area (and whether more matched than SEARCH_LIMIT). A name matches
    when every word of it starts one of the child's names. A child
    restricted beyond the worker's agency is not found at all."""
    agency = _agency(conn, worker_id)
    criteria = child_search.Ask(
        name=ask.name or "", date_of_birth=ask.date_of_birth, nhs_number=ask.nhs_number or ""
    )
    found: list[ChildFound] = []
    more = False
    rows = conn.execute(
        sa.select(records.c.id, records.c.data).where(
            records.c.kind == "child", records.c.deleted.is_(False)
        )
    )
    for child_id, raw in rows:
        data = json.loads(raw)
        if restricted_beyond(data, agency) or not child_search.matches(data, criteria):
            continue
        if len(found) == SEARCH_LIMIT:
            more = True
            break
        found.append(
            ChildFound(
                child_id=child_id,
                name=display_name(data),
                date_of_birth=data["date_of_birth"],
                area=data.get("address_area"),
            )
        )
    return found, more


def grant(
    conn: Connection, *, worker_id: int, device_id: str, child_id: str, reason: str, now: datetime
) -> TemporaryAccess:
    """Grant `child_id` to the worker until now + the policy's hours, as an
    assignment event; audited. ApiError when the policy forbids it, the
    child is not known, already held, or restricted beyond the worker's agency."""
    hours = access_hours(conn)
    if hours <= 0:
        raise ApiError(403, "break_glass_refused", NOT_ALLOWED)
    # The caller ends the worker's expired grants first, in a transaction
    # of its own (`expire`): one lock set per transaction, never two.
    lock_for_write(conn, children=[child_id])
    row = conn.execute(
        sa.select(records.c.data).where(
            records.c.id == child_id, records.c.kind == "child", records.c.deleted.is_(False)
        )
    ).first()
    if row is None:
        raise ApiError(404, "not_found", NO_SUCH_CHILD)
    if restricted_beyond(json.loads(row.data), _agency(conn, worker_id)):
        raise ApiError(403, "break_glass_refused", RESTRICTED)
    if holds(conn, worker_id, child_id):
        raise ApiError(409, "already_held", ALREADY_HELD)
    seq = take_seqs(conn)[0]
    record_assignment(conn, worker_id, child_id, True, seq=seq, at=now)
    ends = now + timedelta(hours=hours)
    grant_id = str(uuid.uuid4())
    conn.execute(
        sa.insert(temporary_access).values(
            id=grant_id,
            worker_id=worker_id,
            device_id=device_id,
            child_id=child_id,
            reason=reason,
            granted_at=now,
            ends_at=ends,
            assigned_seq=seq,
        )
    )
    record_audit(
        conn,
        action="break_glass",
        worker_id=worker_id,
        device_id=device_id,
        child_id=child_id,
        detail=f"temporary access {grant_id} until {ends:%Y-%m-%dT%H:%MZ}",
    )
    return TemporaryAccess(child_id=child_id, granted_at=now, ends_at=ends)


def in_force(conn: Connection, worker_id: int) -> list[TemporaryAccess]:
    """The worker's grants not yet ended (call `expire` first)."""
    t = temporary_access.c
    rows = conn.execute(
        sa.select(t.child_id, t.granted_at, t.ends_at)
        .where(t.worker_id == worker_id, t.ended_at.is_(None))
        .order_by(t.ends_at)
    )
    return [
        TemporaryAccess(child_id=c, granted_at=as_utc(g), ends_at=as_utc(e)) for c, g, e in rows
    ]


def expire(conn: Connection, worker_id: int, now: datetime) -> int:
    """End the worker's grants whose time is up: unassign each child (an event
    dated at the grant's end) unless the worker holds it by a later event.
    In a write transaction of its own (it takes the children's locks); the
    number ended."""
    t = temporary_access.c
    due = conn.execute(
        sa.select(t.id, t.child_id, t.ends_at, t.assigned_seq).where(
            t.worker_id == worker_id, t.ended_at.is_(None), t.ends_at <= now
        )
    ).all()
    if not due:
        return 0
    lock_for_write(conn, children=sorted({d.child_id for d in due}))
    for d in due:
        if _last_event(conn, worker_id, d.child_id) == d.assigned_seq:
            seq = take_seqs(conn)[0]
            record_assignment(conn, worker_id, d.child_id, False, seq=seq, at=as_utc(d.ends_at))
            record_audit(
                conn,
                action="break_glass_end",
                worker_id=worker_id,
                child_id=d.child_id,
                detail=f"temporary access {d.id} ended",
            )
        conn.execute(
            sa.update(temporary_access).where(t.id == d.id).values(ended_at=as_utc(d.ends_at))
        )
    return len(due)


def make_permanent(conn: Connection, worker_id: int, child_id: str, now: datetime) -> None:
    """The child is assigned to (or taken from) the worker by the central
    team: any grant of it ends now, without an event of its own."""
    t = temporary_access.c
    conn.execute(
        sa.update(temporary_access)
        .where(t.worker_id == worker_id, t.child_id == child_id, t.ended_at.is_(None))
        .values(ended_at=now)
    )


def _last_event(conn: Connection, worker_id: int, child_id: str) -> int | None:
    e = assignment_events.c
    return conn.execute(
        sa.select(sa.func.max(e.seq)).where(e.worker_id == worker_id, e.child_id == child_id)
    ).scalar_one()


@dataclass(frozen=True)
class GrantLine:
    worker: str
    child_id: str
    granted_at: datetime
    ends_at: datetime
    ended_at: datetime | None
    reason: str


def listing(conn: Connection, child_id: str | None = None) -> list[GrantLine]:
    """Every grant (of one child, if given), newest first: for coordinators
    and the child's manager (`central-record access list`)."""
    t = temporary_access.c
    query = (
        sa.select(workers.c.name, t.child_id, t.granted_at, t.ends_at, t.ended_at, t.reason)
        .join(workers, workers.c.id == t.worker_id)
        .order_by(t.granted_at.desc())
    )
    if child_id is not None:
        query = query.where(t.child_id == child_id)
    return [
        GrantLine(w, c, as_utc(g), as_utc(e), as_utc(x) if x else None, r)
        for w, c, g, e, x, r in conn.execute(query)
    ]
