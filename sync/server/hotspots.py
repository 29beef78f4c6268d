"""Hotspots across the council: places, persons and vehicles that recur
across children, from concerns, missing episodes and meetings.

Counted from `hotspot_mentions` (see `trend_rows`), whose keys make
"Gnarly Park" and "gnarly  park." one place and "ZZ11 ABC" and "zz11abc"
one car (`sync.kinds.mentions`). Ranked by the number of children they are
named for, not the number of mentions, so one child's ten reports of the
same park do not outrank a park five children go missing to. Only records
the reader's agency may see are counted.

`children_behind` names the children of one hotspot; only those who may
see the children (the page decides) ask it, and the page audits it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.common import Agency
from sync.kinds.mentions import Named
from sync.kinds.people import display_name
from sync.kinds.restriction import column_matches
from sync.server.db import among
from sync.server.schema import hotspot_children, hotspot_mentions, records
from sync.server.suppression import THRESHOLD
from sync.server.trends import Period, visible_to

#: a hotspot is a thing named for at least this many children
SHARED_BY = 2
#: how many of each (places, persons, vehicles) a page lists
TOP = 15


@dataclass(frozen=True)
class Hotspot:
    what: Named
    key: str  # the normalised key: what the children page is asked with
    label: str  # one spelling of it as typed
    children: int  # named for this many children in the period
    last_named: str  # the latest day a record names it (ISO date)


@dataclass(frozen=True)
class ChildBehind:
    child_id: str
    name: str
    mentions: int
    last_day: str  # the latest day the child's records name the hotspot


def _where(agency: str, period: Period) -> list[sa.ColumnElement[bool]]:
    return [
        hotspot_mentions.c.day >= period.first_day,
        visible_to(agency, hotspot_mentions.c.restricted_to),
    ]


def hotspots(
    conn: Connection,
    *,
    agency: str,
    period: Period,
    min_children: int = SHARED_BY,
    top: int = TOP,
) -> dict[Named, list[Hotspot]]:
    """For each of places, persons and vehicles, the `top` named for the
    most children (at least `min_children`) in `period`: most children
    first, then the most recently named, then by key.

    Read from `hotspot_children` (a row per thing and child): a child is
    named in the period when their records last named it since its start."""
    h = hotspot_children.c
    pattern: sa.ColumnElement[str] = sa.literal_column(f"'{column_matches(Agency(agency))}'")
    children = sa.func.count(sa.distinct(h.child_id))
    query = (
        sa.select(h.what, h.key, sa.func.min(h.label), children, sa.func.max(h.last_day))
        .where(
            h.last_day >= period.first_day,
            sa.or_(h.restricted_to == "", h.restricted_to.like(pattern)),
        )
        .group_by(h.what, h.key)
        .having(children >= min_children)
    )
    found: dict[Named, list[Hotspot]] = {what: [] for what in Named}
    for what, key, label, n_children, last in conn.execute(query):
        if what in Named._value2member_map_:
            found[Named(what)].append(Hotspot(Named(what), key, label, n_children, last))
    return {
        what: sorted(rows, key=lambda x: (-x.children, _desc(x.last_named), x.key))[:top]
        for what, rows in found.items()
    }


def _desc(day: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in day)


@dataclass(frozen=True)
class Deidentified:
    """Hotspots for a reader who may not see the children: only those named
    for THRESHOLD or more children, places by name, persons and vehicles
    only as how many there are (their names and registrations identify
    someone)."""

    places: list[Hotspot]
    persons: int
    vehicles: int


def deidentified(conn: Connection, *, agency: str, period: Period, top: int = TOP) -> Deidentified:
    found = hotspots(conn, agency=agency, period=period, min_children=THRESHOLD, top=10**6)
    return Deidentified(
        places=found[Named.place][:top],
        persons=len(found[Named.person]),
        vehicles=len(found[Named.vehicle]),
    )


def hotspot(
    conn: Connection, *, agency: str, period: Period, what: Named, key: str
) -> Hotspot | None:
    """One hotspot by its key, as `hotspots` counts it (None when nothing
    the reader may see names it in the period)."""
    m = hotspot_mentions.c
    row = conn.execute(
        sa.select(
            sa.func.min(m.label), sa.func.count(sa.distinct(m.child_id)), sa.func.count()
        ).where(*_where(agency, period), m.what == what.value, m.key == key)
    ).one()
    return None if not row[2] else Hotspot(what, key, row[0], row[1], row[2])


def children_behind(
    conn: Connection, *, agency: str, period: Period, what: Named, key: str
) -> list[ChildBehind]:
    """The children a hotspot is named for, most mentions first, with the
    names they are known by. Only for readers who may see the children."""
    m = hotspot_mentions.c
    rows = conn.execute(
        sa.select(m.child_id, sa.func.count(), sa.func.max(m.day))
        .where(*_where(agency, period), m.what == what.value, m.key == key)
        .group_by(m.child_id)
    ).all()
    names = {
        cid: display_name(json.loads(data))
        for cid, data in conn.execute(
            sa.select(records.c.id, records.c.data).where(
                among(conn, records.c.id, [r[0] for r in rows]), records.c.kind == "child"
            )
        )
    }
    found = [ChildBehind(cid, names.get(cid, ""), n, last) for cid, n, last in rows]
    return sorted(found, key=lambda c: (-c.mentions, c.name, c.child_id))
