"""A team manager holds their team's children: every child allocated to a
member of a team they manage is on their caseload too, held `via` the team
(`caseload.TEAM`), so it reaches their laptop through the same feed, and
they may write to it (the sign-offs and oversight of their team's work).

The team holds are kept as assignment events like any other hold, written
in the transaction of the change that makes them: a child allocated to or
taken from a member, a worker joining or leaving a team, a team's manager
changing. So the feed reads who held what as of any sequence number, as it
always has, and a page stays the same whatever happens after it.

A manager's own allocation of a child wins over the team's: taking it from
them leaves the team's hold in its place (no event: the hold does not
change), and the team's hold of a child allocated to them becomes theirs.

Every function here takes the change sequence numbers of its events in one
call, before its first write (PostgreSQL's rule, see `sequence`), so each
is the whole of its caller's transaction's caseload changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.caseload import ALLOCATED, TEAM, held_via, record_assignment, set_via
from sync.server.schema import assignments, teams, workers
from sync.server.sequence import take_seqs


@dataclass(frozen=True)
class Hold:
    """One change of one worker's hold on one child."""

    worker_id: int
    child_id: str
    assigned: bool
    via: str


def manager_of(conn: Connection, worker_id: int) -> int | None:
    """The manager of the worker's team, unless that is the worker."""
    found = conn.execute(
        sa.select(teams.c.manager_id)
        .select_from(workers.join(teams, teams.c.id == workers.c.team_id))
        .where(workers.c.id == worker_id)
    ).scalar_one_or_none()
    return None if found == worker_id else found


@dataclass(frozen=True)
class Moving:
    """A change of membership about to be written, read as if it were: a
    worker to another team, or a team to another manager."""

    worker_id: int | None = None
    to_team: int | None = None
    team_id: int | None = None
    to_manager: int | None = None


def team_children(conn: Connection, manager_id: int, moving: Moving = Moving()) -> set[str]:
    """The children allocated to the members of the teams `manager_id`
    manages (as they will be after `moving`)."""
    team = sa.case((workers.c.id == moving.worker_id, moving.to_team), else_=workers.c.team_id)
    manager = sa.case((teams.c.id == moving.team_id, moving.to_manager), else_=teams.c.manager_id)
    members = (
        sa.select(workers.c.id)
        .join(teams, teams.c.id == team)
        .where(manager == manager_id, workers.c.id != manager_id)
    )
    return set(
        conn.execute(
            sa.select(assignments.c.child_id)
            .where(assignments.c.worker_id.in_(members), assignments.c.via == ALLOCATED)
            .distinct()
        ).scalars()
    )


def _team_changes(conn: Connection, manager_id: int, moving: Moving) -> list[Hold]:
    """What the manager's team holds must become to match the allocations
    as they stand after `moving`."""
    wanted = team_children(conn, manager_id, moving)
    query = sa.select(assignments.c.child_id, assignments.c.via).where(
        assignments.c.worker_id == manager_id
    )
    held: dict[str, str] = {child: via for child, via in conn.execute(query)}
    return [Hold(manager_id, child, True, TEAM) for child in sorted(wanted - held.keys())] + [
        Hold(manager_id, child, False, TEAM)
        for child, via in sorted(held.items())
        if via == TEAM and child not in wanted
    ]


def _write(conn: Connection, changes: list[Hold], first: Callable[[], object]) -> None:
    """Take the events' sequence numbers, then make the change they follow
    from (`first`), then write them: PostgreSQL hands out a transaction's
    numbers only before its first write."""
    seqs = take_seqs(conn, len(changes)) if changes else []
    first()
    now = datetime.now(UTC)
    for change, seq in zip(changes, seqs, strict=True):
        record_assignment(
            conn,
            change.worker_id,
            change.child_id,
            change.assigned,
            seq=seq,
            at=now,
            via=change.via,
        )


def allocate(conn: Connection, worker_id: int, child_id: str, allocated: bool) -> bool:
    """Allocate a child to a worker or take it from them, and change their
    team manager's hold to match; False if the allocation was already so.
    The caller has locked the child (`sequence.lock_for_write`)."""
    via = held_via(conn, worker_id, child_id)
    if (via == ALLOCATED) == allocated:
        return False
    changes: list[Hold] = []
    new_via: str | None = None
    if allocated and via == TEAM:
        new_via = ALLOCATED
    elif allocated:
        changes.append(Hold(worker_id, child_id, True, ALLOCATED))
    elif child_id in team_children(conn, worker_id):
        new_via = TEAM
    else:
        changes.append(Hold(worker_id, child_id, False, ALLOCATED))
    manager = manager_of(conn, worker_id)
    if manager is not None:
        changes += _planned_team_change(conn, manager, child_id, worker_id, allocated)

    def first() -> None:
        if new_via is not None:
            set_via(conn, worker_id, child_id, new_via)

    _write(conn, changes, first)
    return True


def _planned_team_change(
    conn: Connection, manager: int, child_id: str, worker_id: int, allocated: bool
) -> list[Hold]:
    """The manager's change for a change of `worker_id`'s allocation of
    `child_id` not yet written (its event waits for the same block of
    sequence numbers)."""
    others = team_children(conn, manager)
    if not allocated:
        # Still allocated to another member? Read without this worker's row.
        members_holding = conn.execute(
            sa.select(sa.func.count())
            .select_from(assignments.join(workers, workers.c.id == assignments.c.worker_id))
            .join(teams, teams.c.id == workers.c.team_id)
            .where(
                teams.c.manager_id == manager,
                assignments.c.child_id == child_id,
                assignments.c.via == ALLOCATED,
                assignments.c.worker_id.not_in([worker_id, manager]),
            )
        ).scalar_one()
        if members_holding:
            return []
    elif child_id in others:
        return []
    via = held_via(conn, manager, child_id)
    if allocated and via is None:
        return [Hold(manager, child_id, True, TEAM)]
    if not allocated and via == TEAM:
        return [Hold(manager, child_id, False, TEAM)]
    return []


def new_child_holds(conn: Connection, worker_id: int, child_id: str) -> list[Hold]:
    """The holds a child a worker has just created brings: theirs, and
    their team manager's (a push writes them with its records)."""
    changes = [Hold(worker_id, child_id, True, ALLOCATED)]
    if (manager := manager_of(conn, worker_id)) is not None:
        changes.append(Hold(manager, child_id, True, TEAM))
    return changes


def move(
    conn: Connection, managers: Iterable[int | None], moving: Moving, first: Callable[[], object]
) -> int:
    """Make a change of membership (`first`, which writes `moving`) and
    bring each of `managers`' team holds in line with it; the number of
    holds changed. The caller has locked the whole record."""
    changes: list[Hold] = []
    for manager in sorted({m for m in managers if m is not None}):
        changes += _team_changes(conn, manager, moving)
    _write(conn, changes, first)
    return len(changes)
