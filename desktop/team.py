"""A team manager's view of their team: each member's children with what is
overdue on them (visits, reviews: `desktop.summary`'s counts, so "overdue"
means what it means on the caseload), and the finalised visit notes still
awaiting the manager's sign-off.

Who holds which child comes from the central record (`GET /me`'s
`team_caseloads`, kept at each sync): the laptop holds the children, not
who they are allocated to.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlcipher3

from desktop.summary import ChildSummary, caseload_summary
from sync.wire import Me


@dataclass(frozen=True)
class TeamChild:
    worker: str
    child: ChildSummary
    awaiting_sign_off: int


@dataclass(frozen=True)
class TeamView:
    teams: list[str]
    rows: list[TeamChild]  # by worker, then by child's name

    @property
    def overdue_visits(self) -> int:
        return sum(r.child.overdue_visits for r in self.rows)

    @property
    def overdue_reviews(self) -> int:
        return sum(r.child.overdue_reviews for r in self.rows)

    @property
    def awaiting_sign_off(self) -> int:
        return sum(r.awaiting_sign_off for r in self.rows)


def awaiting_sign_off(conn: sqlcipher3.Connection) -> Counter[str]:
    """Per child, the finalised visit notes no sign-off points at (neither
    one entered in error)."""
    signed = {
        json.loads(data).get("visit_id")
        for (data,) in conn.execute(
            "SELECT data FROM records WHERE kind = 'sign_off' AND deleted = 0"
            " AND coalesce(json_extract(data, '$.entered_in_error'), 0) = 0"
        )
    }
    rows = conn.execute(
        "SELECT id, child_id FROM records WHERE kind = 'visit' AND deleted = 0"
        " AND json_extract(data, '$.status') = 'final'"
        " AND coalesce(json_extract(data, '$.entered_in_error'), 0) = 0"
    )
    return Counter(child for rid, child in rows if rid not in signed)


def team_view(conn: sqlcipher3.Connection, me: Me | None, now: datetime) -> TeamView | None:
    """The team of the manager `me`; None for a worker who manages no team."""
    if me is None or not me.manages:
        return None
    summaries = {s.child_id: s for s in caseload_summary(conn, now)}
    waiting = awaiting_sign_off(conn)
    rows = []
    for worker in sorted(me.team_caseloads, key=str.casefold):
        # A child allocated since the last pull is not on the laptop yet.
        held = [summaries[c] for c in me.team_caseloads[worker] if c in summaries]
        for child in sorted(held, key=lambda s: s.name):
            rows.append(TeamChild(worker, child, waiting.get(child.child_id, 0)))
    return TeamView(me.manages, rows)
