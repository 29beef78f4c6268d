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


# bm25 weights of (title, body): a match in a title (a child's name)
# outranks one in note text. Spelled out rather than read from the table's
# configured `rank`, which measured ~1.5x slower per matching row.
_SCORE = "bm25(search_index, 5.0, 1.0)"


def search(conn: sqlcipher3.Connection, text: str, *, limit: int = 50) -> list[SearchHit]:
    """The best `limit` matches, best first, each with a highlighted snippet.

    One FTS5 statement ranks every match and builds snippets for the rows
    it returns only (a snippet costs ~10 µs; a common word matches tens of
    thousands of notes). A second MATCH restricted by rowid would re-run the
    whole query, which is why there is none.
    """
    query = fts_query(text)
    if query is None:
        return []
    top = conn.execute(
        f"SELECT rowid, {_SCORE} AS score, snippet(search_index, 1, ?, ?, '…', 12)"
        " FROM search_index WHERE search_index MATCH ? ORDER BY score LIMIT ?",
        (MARK_START, MARK_END, query, limit),
    ).fetchall()
    if not top:
        return []
    marks = ",".join("?" * len(top))
    about = {
        seq: (rid, cid, kind, title)
        for seq, rid, cid, kind, title in conn.execute(
            f"SELECT seq, id, child_id, kind, title FROM records WHERE seq IN ({marks})",
            [seq for seq, _, _ in top],
        )
    }
    return [
        SearchHit(*about[seq], snippet=snip, rank=score) for seq, score, snip in top if seq in about
    ]


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
