"""The council's due-date rules and screening tools on this laptop.

The central record serves them (`sync.wire.CouncilRules`) beside the
policy; a sync keeps the newest version inside the encrypted store
(`device_meta`, never a plain file) and recomputes every child's due dates
with it in the same transaction. Before the first sync that brings a
version, and whenever the council has loaded none, the bundled defaults
(resources/due_rules.json, resources/tools) apply, and `in_force` says so.

Every due date goes through `rules_in_force`, every screening through
`desktop.screening.tools_in_force`: nothing else reads the stored version.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlcipher3

from desktop import device
from desktop.due_dates import DEFAULT_RULES, DueRules
from desktop.england import day_text
from sync.errors import RecordInvalid
from sync.kinds.council import validate_due_rules, validate_tool
from sync.wire import CouncilRules

log = logging.getLogger(__name__)

META_KEY = "council_rules"
BUNDLED = "Bundled rules: none from the central record yet"


@dataclass(frozen=True)
class Held:
    """The version of the council's rules this laptop holds and applies."""

    version: int
    loaded_at: datetime | None
    loaded_by: str | None
    due_rules: dict[str, Any]
    tools: list[dict[str, Any]]

    @property
    def words(self) -> str:
        """'Council rules version 3, Thu 12 Nov 2026', as the status bar shows it."""
        when = f", {day_text(self.loaded_at)}" if self.loaded_at else ""
        return f"Council rules version {self.version}{when}"


def held(conn: sqlcipher3.Connection) -> Held | None:
    """The stored version, or None while the bundled defaults apply."""
    return _parsed(device.get_meta(conn, META_KEY))


def held_version(conn: sqlcipher3.Connection) -> int | None:
    found = held(conn)
    return found.version if found else None


def in_force_words(conn: sqlcipher3.Connection) -> str:
    """Which rules apply, in a worker's words (`BUNDLED` before any arrive)."""
    found = held(conn)
    return found.words if found else BUNDLED


# The rules in force, built once per stored version: a DueRules remembers
# its bank holidays and working days, which every save of a record asks.
_built: dict[str, DueRules] = {}


def rules_in_force(conn: sqlcipher3.Connection) -> DueRules:
    """The due-date rules every due date on this laptop is computed with:
    the council's served version merged over the defaults, or the defaults."""
    raw = device.get_meta(conn, META_KEY)
    if raw is None:
        return DEFAULT_RULES
    rules = _built.get(raw)
    if rules is None:
        found = _parsed(raw)
        rules = DueRules(found.due_rules) if found else DEFAULT_RULES
        _built.clear()  # one version at a time is ever in force
        _built[raw] = rules
    return rules


def served_tools(conn: sqlcipher3.Connection) -> list[dict[str, Any]]:
    """The council's tools as served (checked), [] while only the bundled apply."""
    found = held(conn)
    return found.tools if found else []


def keep_served(conn: sqlcipher3.Connection, answer: CouncilRules) -> bool:
    """Store a newly served version and recompute every child's due dates
    with it, in the caller's transaction; whether anything changed.

    Version 0 (the council has loaded none) puts the bundled defaults back.
    A version whose content does not check is not kept (the laptop goes on
    with what it holds): it would break due dates or scores halfway."""
    have = held_version(conn)
    if answer.version == (have or 0):
        return False
    if answer.version == 0:
        device.set_meta(conn, META_KEY, None)
    else:
        if answer.due_rules is None or answer.tools is None:
            return False  # content left out: only when we said we hold it
        try:
            rules = validate_due_rules(answer.due_rules)
            tools = [validate_tool(t) for t in answer.tools]
        except RecordInvalid as exc:
            log.warning("council rules version %d not kept: %s", answer.version, exc.message)
            return False
        stored = {
            "version": answer.version,
            "loaded_at": answer.loaded_at.isoformat() if answer.loaded_at else None,
            "loaded_by": answer.loaded_by,
            "due_rules": rules,
            "tools": tools,
        }
        device.set_meta(conn, META_KEY, json.dumps(stored))
    recompute_due_dates(conn)
    return True


def recompute_due_dates(conn: sqlcipher3.Connection) -> None:
    """Every child's summary row and due items again, with the rules in force
    (the caseload's due columns and overdue counts read only those)."""
    from desktop.records import refresh_children  # records asks this module for the rules

    children = [r[0] for r in conn.execute("SELECT id FROM records WHERE kind = 'child'")]
    summarised = [r[0] for r in conn.execute("SELECT child_id FROM child_summary")]
    refresh_children(conn, {*children, *summarised})


def _parsed(raw: str | None) -> Held | None:
    if raw is None:
        return None
    stored = json.loads(raw)
    loaded_at = stored.get("loaded_at")
    return Held(
        version=stored["version"],
        loaded_at=datetime.fromisoformat(loaded_at) if loaded_at else None,
        loaded_by=stored.get("loaded_by"),
        due_rules=stored["due_rules"],
        tools=stored["tools"],
    )
