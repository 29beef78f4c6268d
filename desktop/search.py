"""Full-text search over names, aliases and note text (SQLite FTS5).

The index lives inside the encrypted database and is written in the same
transaction as the record it describes (see `desktop.records.put_record`).
"""

from __future__ import annotations

import json
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
_ALONE_CHARS = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"  # ideographs, kana
    "\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"  # emoji
)
_ARABIC_VOWEL_CHARS = "\u064b-\u065f\u0670"
_ALONE = re.compile(f"([{_ALONE_CHARS}])")
_ARABIC_VOWELS = re.compile(f"[{_ARABIC_VOWEL_CHARS}]")
_CHANGED = re.compile(f"[{_ALONE_CHARS}{_ARABIC_VOWEL_CHARS}]")  # what either rewrites
_WORD_CATEGORIES = ("L", "N", "M", "So", "Co")


def search_form(text: str) -> str:
    """`text` as the search index holds it (see above); English text, the
    usual case, is returned as it is."""
    # A sync asks this of every record it pulls: text with neither (most of
    # it, even when not ASCII) is scanned once, not rewritten twice.
    if text.isascii() or not _CHANGED.search(text):
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
    """child id -> a snippet showing the words that matched, best first: a
    child whose name is what was typed, then one whose name holds every
    typed word, then the others by their best-ranked record. For filtering
    the caseload as one types."""
    query = fts_query(text)
    if query is None:
        return {}
    newest = dict(
        conn.execute(
            "SELECT r.child_id, max(search_index.rowid) FROM search_index"
            " JOIN records r ON r.seq = search_index.rowid"
            " WHERE search_index MATCH ? GROUP BY r.child_id",
            (query,),
        ).fetchall()
    )
    snippets: dict[str, str] = {}
    best: dict[str, int] = {}
    for place, hit in enumerate(search(conn, text, limit=200)):
        if hit.child_id not in snippets:
            snippets[hit.child_id] = lead_with_match(hit.snippet)
            best[hit.child_id] = place
    # Children whose matches all rank below the top hits: a snippet of their
    # newest matching record, marked here (one rowid lookup each, no MATCH).
    unmarked = {newest[c]: c for c in newest if c not in snippets}
    if unmarked:
        marks = ",".join("?" * len(unmarked))
        for rowid, body in conn.execute(
            f"SELECT rowid, body FROM search_index WHERE rowid IN ({marks})", list(unmarked)
        ):
            snippets[unmarked[rowid]] = marked_snippet(body or "", text)
    names = _names(conn, list(newest))
    typed = _words(text)
    order = sorted(
        newest,
        key=lambda c: (_name_rank(names.get(c, ""), typed), best.get(c, len(best)), names.get(c)),
    )
    return {child_id: snippets.get(child_id, "") for child_id in order}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _name_rank(name: str, typed: list[str]) -> int:
    """0: the name is what was typed; 1: it holds every typed word whole; 2: neither."""
    words = _words(name)
    if words == typed:
        return 0
    return 1 if set(typed) <= set(words) else 2


def _names(conn: sqlcipher3.Connection, child_ids: list[str]) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT child_id, title FROM records WHERE kind = 'child'"
            " AND child_id IN (SELECT value FROM json_each(?))",
            (json.dumps(child_ids),),
        ).fetchall()
    )


# Up to four words before the first match are kept for context.
_HEAD = re.compile(r"(?:\S+\s+){0,4}\S*$")
_AFTER_WORDS = 12


def lead_with_match(snippet: str) -> str:
    """The snippet from a few words before its first match, so that a
    narrow column still shows the matched words ("…" where cut)."""
    start = snippet.find(MARK_START)
    if start < 0:
        return snippet
    head = snippet[:start]
    kept = _HEAD.search(head)
    tail = head[kept.start() :] if kept else head
    return ("…" if len(tail) < len(head) and not tail.startswith("…") else "") + (
        tail + snippet[start:]
    )


def marked_snippet(body: str, text: str) -> str:
    """A snippet of `body` with the first of the typed words marked, made
    without FTS5 (for records beyond the ranked hits)."""
    body = body.replace(_ZWSP, "")
    words = sorted(set(_words(text)), key=len, reverse=True)
    found = re.search("|".join(map(re.escape, words)), body, re.IGNORECASE) if words else None
    if found is None:
        return " ".join(body.split()[:_AFTER_WORDS])
    end = found.end()
    while end < len(body) and (body[end].isalnum() or body[end] == "_"):
        end += 1  # the whole word, as a prefix match found it
    after = body[end:].split(" ")
    rest = " ".join(after[:_AFTER_WORDS]) + ("…" if len(after) > _AFTER_WORDS else "")
    return lead_with_match(
        body[: found.start()] + MARK_START + body[found.start() : end] + MARK_END + rest
    )
