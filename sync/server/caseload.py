"""Caseloads: which worker holds which child now, and since and until when.

Every change to a caseload is also an assignment event (with its change
sequence number, for the feed, and its time, for the edit grace period), so
the history of who held a child is never lost.

A worker holds a child for one reason at a time (`via`): it is allocated to
them (`ALLOCATED`), or it is allocated to a member of the team they manage
(`TEAM`, kept by `team_holds`). The feed and the push checks read only
whether a child is held, never why.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.schema import assignment_events, assignments

ALLOCATED = "allocated"
TEAM = "team"


def holds(conn: Connection, worker_id: int, child_id: str) -> bool:
    return (
        conn.execute(
            sa.select(assignments.c.child_id).where(
                assignments.c.worker_id == worker_id, assignments.c.child_id == child_id
            )
        ).first()
        is not None
    )


def held_children(conn: Connection, worker_id: int) -> set[str]:
    return set(
        conn.execute(
            sa.select(assignments.c.child_id).where(assignments.c.worker_id == worker_id)
        ).scalars()
    )


def ever_held(conn: Connection, worker_id: int, child_ids: list[str]) -> set[str]:
    """Of `child_ids`, those the worker holds or has held at any time."""
    if not child_ids:
        return set()
    return set(
        conn.execute(
            sa.select(assignment_events.c.child_id)
            .where(
                assignment_events.c.worker_id == worker_id,
                assignment_events.c.child_id.in_(child_ids),
            )
            .distinct()
        ).scalars()
    )


def assignment_history(
    conn: Connection, worker_id: int, child_id: str
) -> list[tuple[datetime, bool]]:
    """(when, assigned) for each change of this worker's hold on this child,
    oldest first, times in UTC."""
    rows = conn.execute(
        sa.select(assignment_events.c.at, assignment_events.c.assigned)
        .where(assignment_events.c.worker_id == worker_id, assignment_events.c.child_id == child_id)
        .order_by(assignment_events.c.seq)
    ).all()
    return [(as_utc(at), assigned) for at, assigned in rows]


def as_utc(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def held_via(conn: Connection, worker_id: int, child_id: str) -> str | None:
    """Why the worker holds the child (`ALLOCATED`, `TEAM`), or None."""
    return conn.execute(
        sa.select(assignments.c.via).where(
            assignments.c.worker_id == worker_id, assignments.c.child_id == child_id
        )
    ).scalar_one_or_none()


def set_via(conn: Connection, worker_id: int, child_id: str, via: str) -> None:
    """Change why a held child is held: the hold itself does not change, so
    the feed has nothing to send and no event is written."""
    conn.execute(
        sa.update(assignments)
        .where(assignments.c.worker_id == worker_id, assignments.c.child_id == child_id)
        .values(via=via)
    )


def record_assignment(
    conn: Connection,
    worker_id: int,
    child_id: str,
    assigned: bool,
    *,
    seq: int,
    at: datetime,
    via: str = ALLOCATED,
) -> None:
    """Change a caseload known to need the change, under sequence number
    `seq` (taken by the caller, in its order of changes)."""
    if assigned:
        conn.execute(sa.insert(assignments).values(worker_id=worker_id, child_id=child_id, via=via))
    else:
        conn.execute(
            sa.delete(assignments).where(
                assignments.c.worker_id == worker_id, assignments.c.child_id == child_id
            )
        )
    conn.execute(
        sa.insert(assignment_events).values(
            seq=seq, worker_id=worker_id, child_id=child_id, assigned=assigned, at=at, via=via
        )
    )
