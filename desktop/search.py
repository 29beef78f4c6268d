"""Full-text search over names, aliases and note text (SQLite FTS5).

The index lives inside the encrypted database and is written in the same
transaction as the record it describes (see `desktop.records.put_record`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlcipher3

# Snippet highlight markers: control characters cannot occur in typed text,
# so the UI can escape the snippet and then turn these into emphasis.
MARK_START, MARK_END = "\x02", "\x03"
_TERM = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    record_id: str
    child_id: str
    kind: str
    title: str
    snippet: str
    rank: float


def fts_query(text: str) -> str | None:
    """Turn what a worker typed into a safe FTS5 query.

    Every word is quoted, so punctuation or FTS syntax (quotes, `-`, `NEAR`)
    cannot cause a syntax error; the last word matches as a prefix so results
    appear while typing. All words must match.
    """
    terms = _TERM.findall(text)
    if not terms:
        return None
    quoted = [f'"{t}"' for t in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(conn: sqlcipher3.Connection, text: str, *, limit: int = 50) -> list[SearchHit]:
    query = fts_query(text)
    if query is None:
        return []
    rows = conn.execute(
        "SELECT r.id, r.child_id, r.kind, r.title,"
        " snippet(search_index, 1, ?, ?, '…', 12), bm25(search_index, 5.0, 1.0) AS rank"
        " FROM search_index JOIN records r ON r.seq = search_index.rowid"
        " WHERE search_index MATCH ? AND r.deleted = 0"
        " ORDER BY rank LIMIT ?",
        (MARK_START, MARK_END, query, limit),
    ).fetchall()
    return [SearchHit(*row) for row in rows]


def matching_children(conn: sqlcipher3.Connection, text: str) -> dict[str, str]:
    """child id -> the best snippet, for filtering the caseload as one types."""
    query = fts_query(text)
    if query is None:
        return {}
    found: dict[str, str] = {}
    for child_id, snippet in conn.execute(
        "SELECT r.child_id, snippet(search_index, -1, ?, ?, '…', 8)"
        " FROM search_index JOIN records r ON r.seq = search_index.rowid"
        " WHERE search_index MATCH ? AND r.deleted = 0 ORDER BY bm25(search_index, 5.0, 1.0)",
        (MARK_START, MARK_END, query),
    ):
        found.setdefault(child_id, snippet)
    return found
