"""Full-text search over names, aliases and note text (SQLite FTS5).

The index lives inside the encrypted database and is written in the same
transaction as the record it describes (see `desktop.records.put_record`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlcipher3

# Snippet highlight markers: control characters cannot occur in typed text,
# so the UI can escape the snippet and then turn these into emphasis.
MARK_START, MARK_END = "\x02", "\x03"

# The index's tokenizer (migration 0010) keeps letters, digits, marks and
# symbols (emoji) in its words. Scripts written without spaces between
# words (Chinese, Japanese) and emoji are indexed a character at a time:
# the index's copy of the text has a zero-width space on each side of
# those, and a typed "安全" is searched as the phrase 安 全, found inside a
# longer run. Arabic's optional vowel marks are left out, so a word typed
# without them finds one written with them.
_ZWSP = "\u200b"
_ALONE = re.compile(
    "([\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"  # ideographs, kana
    "\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff])"  # emoji
)
_ARABIC_VOWELS = re.compile("[\u064b-\u065f\u0670]")
_WORD_CATEGORIES = ("L", "N", "M", "So", "Co")


def search_form(text: str) -> str:
    """`text` as the search index holds it (see above); English text, the
    usual case, is returned as it is."""
    if text.isascii():
        return text
    return _ALONE.sub(_ZWSP + r"\1" + _ZWSP, _ARABIC_VOWELS.sub("", text))


def _has_word(chunk: str) -> bool:
    return any(unicodedata.category(ch).startswith(_WORD_CATEGORIES) for ch in chunk)


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

    Every space-separated word is quoted, so punctuation or FTS syntax
    (quotes, `-`, `NEAR`) cannot cause a syntax error, and the index's
    tokenizer splits it as it split the text (a word of ideographs, or
    "o'brien", becomes a phrase); the last word matches as a prefix so
    results appear while typing. All words must match.
    """
    chunks = [c for c in search_form(text).split() if _has_word(c)]
    if not chunks:
        return None
    quoted = ['"' + c.replace('"', '""') + '"' for c in chunks]
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
        SearchHit(*about[seq], snippet=snip.replace(_ZWSP, ""), rank=score)
        for seq, score, snip in top
        if seq in about
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
