"""One timeline per child across every kind of record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlcipher3

# The child's own record and alerts are facts about the child, not events.
DEFAULT_KINDS = (
    "visit",
    "addendum",
    "missing_episode",
    "cme_episode",
    "concern",
    "plan",
    "plan_action",
    "meeting",
    "assessment",
    "sharing",
    "involvement",
)


@dataclass(frozen=True)
class ChronologyEntry:
    record_id: str
    kind: str
    at: str
    title: str
    summary: str
    pending: bool


def chronology(
    conn: sqlcipher3.Connection, child_id: str, kinds: Iterable[str] | None = None
) -> list[ChronologyEntry]:
    """Newest first. Reads only indexed columns written at save time, so a
    child with thousands of records is one index range scan."""
    wanted = tuple(kinds) if kinds else DEFAULT_KINDS
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(
        "SELECT id, kind, sort_at, title, summary, pending FROM records"
        f" WHERE child_id = ? AND deleted = 0 AND kind IN ({marks})"
        " ORDER BY sort_at DESC, seq DESC",
        (str(child_id), *wanted),
    ).fetchall()
    return [
        ChronologyEntry(r[0], r[1], r[2] or "", r[3] or "", r[4] or "", bool(r[5])) for r in rows
    ]
