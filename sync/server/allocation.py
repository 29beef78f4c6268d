"""Caseload assignment as the coordinator sees it before confirming: which
child (found by name or id: the coordinator reads children, an
administrator never does) and what the change does on the laptops, in
plain words. The change itself is `admin.set_assignment`, as the CLI's."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.people import display_name
from sync.server.accounts import worker_id
from sync.server.caseload import ALLOCATED, held_via
from sync.server.schema import assignments, devices, records, teams, workers
from sync.server.team_holds import manager_of


@dataclass(frozen=True)
class ChildLine:
    child_id: str
    name: str
    date_of_birth: str
    allocated_to: list[str]


def find_children(conn: Connection, text: str, limit: int = 20) -> list[ChildLine]:
    """Children whose id is `text`, or whose name contains it (any case),
    with the workers they are allocated to; at most `limit`."""
    wanted = text.strip().lower()
    if not wanted:
        return []
    found: list[ChildLine] = []
    query = sa.select(records.c.id, records.c.data).where(
        records.c.kind == "child", records.c.deleted.is_(False)
    )
    for child_id, raw in conn.execute(query.order_by(records.c.id)):
        data = json.loads(raw)
        name = display_name(data)
        if wanted != child_id and wanted not in f"{name} {data.get('first_name', '')}".lower():
            continue
        found.append(
            ChildLine(child_id, name, str(data.get("date_of_birth")), allocated(conn, child_id))
        )
        if len(found) >= limit:
            break
    return found


def allocated(conn: Connection, child_id: str) -> list[str]:
    """The names of the workers the child is allocated to (not team holds)."""
    return list(
        conn.execute(
            sa.select(workers.c.name)
            .join(assignments, assignments.c.worker_id == workers.c.id)
            .where(assignments.c.child_id == child_id, assignments.c.via == ALLOCATED)
            .order_by(workers.c.name)
        ).scalars()
    )


def _laptops(conn: Connection, worker: int) -> int:
    return conn.execute(
        sa.select(sa.func.count()).where(
            devices.c.worker_id == worker, devices.c.revoked_at.is_(None)
        )
    ).scalar_one()


def what_happens(conn: Connection, worker: str, child_id: str, assigned: bool) -> list[str]:
    """What assigning (or unassigning) the child to `worker` does on the
    laptops, one plain sentence each, for the page before confirming."""
    who = worker_id(conn, worker, option="worker")
    via = held_via(conn, who, child_id)
    if (via == ALLOCATED) == assigned:
        return [
            f"The child is {'already' if assigned else 'not'} allocated to {worker}: "
            "nothing will change."
        ]
    lines: list[str] = []
    laptops = _laptops(conn, who)
    if assigned:
        lines.append(
            f"{worker}'s laptop will receive this child's record at its next sync."
            if laptops
            else f"{worker} has no laptop enrolled: the child's record reaches the laptop "
            "they enrol."
        )
    elif via is not None:
        lines.append(
            f"{worker}'s laptop will send any unsent work on this child, then remove the "
            "child's record."
        )
    manager = manager_of(conn, who)
    if manager is not None:
        boss, team = conn.execute(
            sa.select(workers.c.name, teams.c.name)
            .select_from(workers.join(teams, teams.c.manager_id == workers.c.id))
            .where(workers.c.id == manager)
        ).first() or (None, None)
        if assigned:
            lines.append(
                f"{boss}, who manages {team}, will see the child under {worker} in their team "
                "view, and their laptop receives the child too."
            )
        else:
            lines.append(
                f"The child leaves {worker}'s row in {boss}'s team view; {boss}'s laptop "
                "removes it unless another member of the team still holds it."
            )
    return lines
