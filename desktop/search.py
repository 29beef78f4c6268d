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
    # Rank first, then build snippets for the top rows only: a snippet is
    # costly and a common word may match tens of thousands of notes.
    top = conn.execute(
        "SELECT rowid, rank FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
        (query, limit),
    ).fetchall()
    if not top:
        return []
    ranks = dict(top)
    marks = ",".join("?" * len(top))
    rows = conn.execute(
        "SELECT search_index.rowid, r.id, r.child_id, r.kind, r.title,"
        " snippet(search_index, 1, ?, ?, '…', 12)"
        " FROM search_index JOIN records r ON r.seq = search_index.rowid"
        f" WHERE search_index MATCH ? AND search_index.rowid IN ({marks})",  # noqa: S608
        (MARK_START, MARK_END, query, *ranks),
    ).fetchall()
    hits = [
        SearchHit(rid, cid, kind, title, snip, ranks[seq])
        for seq, rid, cid, kind, title, snip in rows
    ]
    return sorted(hits, key=lambda h: h.rank)


def matching_children(conn: sqlcipher3.Connection, text: str) -> dict[str, str]:
    """child id -> a snippet (empty when the child matched beyond the top hits),
    for filtering the caseload as one types."""
    query = fts_query(text)
    if query is None:
        return {}
    children = conn.execute(
        "SELECT DISTINCT r.child_id FROM search_index JOIN records r ON r.seq = search_index.rowid"
        " WHERE search_index MATCH ?",
        (query,),
    ).fetchall()
    snippets: dict[str, str] = {}
    for hit in search(conn, text, limit=200):
        snippets.setdefault(hit.child_id, hit.snippet)
    return {child_id: snippets.get(child_id, "") for (child_id,) in children}
