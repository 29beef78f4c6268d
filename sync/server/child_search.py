"""Finding a child on the central record by name, date of birth or NHS
number, with only what a searcher needs to choose the right child: name,
date of birth and area. Break-the-glass on the laptop (`glass.search`) and
the console's agenda picker (`console/meetings.py`) both ask here, so the
two searches match alike and show alike.

A child whose record is restricted to agencies other than the searcher's
is never found: not in the results, not in the count, not in "more".
Nothing here logs or raises what was searched for.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.people import display_name
from sync.kinds.restriction import may_see
from sync.server.schema import records


@dataclass(frozen=True)
class Ask:
    """What to match: every criterion given must hold. A name matches when
    every word of it starts one of the child's names (first, last,
    preferred, aliases); an NHS number is compared without spaces."""

    name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.nhs_number.strip())


@dataclass(frozen=True)
class Found:
    child_id: str
    name: str
    date_of_birth: str
    area: str | None

    @property
    def born(self) -> date:
        return date.fromisoformat(self.date_of_birth)


@dataclass(frozen=True)
class Page:
    """One page of matches, in name order; `more` when a later page has some."""

    children: list[Found] = field(default_factory=list)
    more: bool = False


def matches(data: dict[str, Any], ask: Ask) -> bool:
    """Whether the child record `data` matches every criterion of `ask`."""
    if ask.date_of_birth is not None and data.get("date_of_birth") != ask.date_of_birth.isoformat():
        return False
    nhs = ask.nhs_number.replace(" ", "")
    if nhs and (data.get("identifiers") or {}).get("nhs_number") != nhs:
        return False
    words = ask.name.lower().split()
    if words:
        names = " ".join(
            [data.get("first_name") or "", data.get("last_name") or ""]
            + [data.get("preferred_name") or ""]
            + list(data.get("aliases") or [])
        ).lower()
        if not all(any(n.startswith(w) for n in names.split()) for w in words):
            return False
    return True


def _found(child_id: str, data: dict[str, Any]) -> Found:
    return Found(child_id, display_name(data), str(data["date_of_birth"]), data.get("address_area"))


def search(
    conn: Connection,
    ask: Ask,
    *,
    agency: str,
    limit: int,
    offset: int = 0,
    exclude: Collection[str] = (),
) -> Page:
    """The children a worker of `agency` may see that match `ask`, sorted
    by name then date of birth, `limit` of them from `offset`; `exclude`
    (child ids) are left out as if not on the record. An empty `ask`
    finds no one: this is a search, never a list of every child."""
    if ask.is_empty or limit <= 0:
        return Page()
    rows = conn.execute(
        sa.select(records.c.id, records.c.data).where(
            records.c.kind == "child", records.c.deleted.is_(False)
        )
    )
    hits = []
    for child_id, raw in rows:
        if child_id in exclude:
            continue
        data = json.loads(raw)
        if may_see(agency, data) and matches(data, ask):
            hits.append(_found(child_id, data))
    hits.sort(key=lambda f: (f.name.lower(), f.date_of_birth, f.child_id))
    start = max(offset, 0)
    return Page(hits[start : start + limit], more=len(hits) > start + limit)
