"""Hotspots: places that recur across the caseload, counted per child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlcipher3

from desktop.england import utc_text


def place_key(place: dict[str, Any]) -> str:
    """How mentions of one place are recognised as the same: the postcode when
    known (sync.kinds spells postcodes one way), else the name lower-cased
    with its spacing collapsed. Empty when the mention names nothing."""
    postcode = " ".join((place.get("postcode") or "").split())
    if postcode:
        return postcode.lower()
    return " ".join((place.get("name") or "").split()).casefold()


@dataclass(frozen=True)
class Hotspot:
    key: str
    name: str | None
    postcode: str | None
    children: int
    mentions: int


def hotspots(
    conn: sqlcipher3.Connection, *, min_children: int = 1, since: datetime | None = None
) -> list[Hotspot]:
    """Places normalised by postcode (else by name), most children first;
    with `since`, only mentions in records dated from then (the record's
    `sort_at`: an episode's start, a concern's receipt).

    Counting distinct children, not mentions, keeps one child's ten reports
    of the same park from outranking a park five children go missing to.
    """
    rows = conn.execute(
        "SELECT p.place_key, max(p.name), max(p.postcode), count(DISTINCT p.child_id), count(*)"
        " FROM places p JOIN records r ON r.id = p.record_id"
        " WHERE r.sort_at >= ?"
        " GROUP BY p.place_key HAVING count(DISTINCT p.child_id) >= ?"
        " ORDER BY 4 DESC, 5 DESC, 1",
        ("" if since is None else utc_text(since), min_children),
    ).fetchall()
    return [Hotspot(*r) for r in rows]
