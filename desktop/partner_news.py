"""What arrived from a partner agency and the worker has not yet opened.

A record a school, the police or health reported through the central
record's console carries the report's id (`partner_report_id`) and the
reporting agency (`source_agency`). Until the worker opens it, the laptop
shows it as "New from <agency>" — on the caseload list, on the child's
chronology and in the tab that holds it. Which reports were opened is kept
in the encrypted store (`partner_seen`), on this laptop only: it is never
sent to the central record as case data.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlcipher3

from sync.kinds.common import Agency

# The kinds a partner's report becomes (sync.server.report_forms.KIND_OF).
REPORTED_KINDS = ("cme_episode", "missing_episode", "concern")

_UNSEEN = (
    "SELECT r.id, r.child_id, json_extract(r.data, '$.source_agency') FROM records r"
    " WHERE r.kind IN ('cme_episode', 'missing_episode', 'concern') AND r.deleted = 0"
    " AND json_extract(r.data, '$.partner_report_id') IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM partner_seen s WHERE s.record_id = r.id"
    "   AND s.partner_report_id = json_extract(r.data, '$.partner_report_id'))"
)


def words(agency: str | None) -> str:
    """'New from Police'; an agency this version does not know is 'a partner'."""
    try:
        return f"New from {Agency(agency or '').words}"
    except ValueError:
        return "New from a partner"


def unseen(conn: sqlcipher3.Connection, child_id: str | None = None) -> dict[str, str]:
    """Record id → its "New from …" words, of one child or of every child."""
    if child_id is None:
        rows = conn.execute(_UNSEEN).fetchall()
    else:
        rows = conn.execute(_UNSEEN + " AND r.child_id = ?", (str(child_id),)).fetchall()
    return {rid: words(agency) for rid, _, agency in rows}


def by_child(conn: sqlcipher3.Connection) -> dict[str, list[str]]:
    """Child id → the "New from …" words of its unopened reports, each agency once."""
    found: dict[str, list[str]] = {}
    for _, child_id, agency in conn.execute(_UNSEEN).fetchall():
        said = found.setdefault(child_id, [])
        if words(agency) not in said:
            said.append(words(agency))
    return found


def mark_seen(conn: sqlcipher3.Connection, record_id: str) -> bool:
    """The worker opened `record_id`: it is no longer new. True if it was."""
    row = conn.execute(
        "SELECT json_extract(data, '$.partner_report_id') FROM records WHERE id = ?",
        (str(record_id),),
    ).fetchone()
    if row is None or row[0] is None:
        return False
    cur = conn.execute(
        "INSERT OR IGNORE INTO partner_seen (record_id, partner_report_id, seen_at)"
        " VALUES (?, ?, ?)",
        (str(record_id), row[0], datetime.now(UTC).isoformat()),
    )
    return cur.rowcount == 1
