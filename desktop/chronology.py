"""One timeline per child across every kind of record, and how each record
reads on it: its time, title and summary, as its kind declares them
(`KindData.label`, `when_field`, `detail_field`, `summary_field`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlcipher3

from desktop import partner_news
from desktop.england import utc_text
from sync.kinds import KINDS, model_for

# Every kind on the chronology, in the registry's order; the child's own
# record and alerts are facts about the child, not events (`on_chronology`).
CHRONOLOGY_KINDS = tuple(kind for kind, model in KINDS.items() if model.on_chronology)
SUMMARY_LENGTH = 160


def describe(kind: str, data: dict[str, Any], updated_at: str) -> tuple[str, str, str]:
    """(sort_at, title, summary) of a record, written beside it at save time
    for the chronology and search results. Reads no database."""
    model = model_for(kind)
    sort_at = _instant(data.get(model.when_field) if model.when_field else None) or updated_at
    title = model.title_of(data)
    if data.get("entered_in_error"):
        title += " (entered in error)"
    text = model.value_text(model.summary_field, data).strip()
    first_line = text.split("\n", 1)[0].splitlines()[0] if text else ""
    return str(sort_at), title, first_line[:SUMMARY_LENGTH]


def _instant(value: object) -> str | None:
    """Timestamps keep the offset the worker typed; the chronology orders by
    text, so store them in UTC. Dates (and anything unparsable) stay as is."""
    if not value:
        return None
    text = str(value)
    if len(text) <= 10:
        return text
    # The usual spellings of a UTC second, without parsing: a sync derives
    # this for every record it pulls.
    if len(text) == 20 and text[-1] == "Z" and text[10] == "T":
        return text[:-1] + "+00:00"
    if len(text) == 25 and text.endswith("+00:00") and text[10] == "T":
        return text
    try:
        return utc_text(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class ChronologyEntry:
    record_id: str
    kind: str
    at: str
    title: str
    summary: str
    pending: bool
    # "New from School / education" until the worker opens it (partner_news).
    new_from: str = ""


def chronology(
    conn: sqlcipher3.Connection, child_id: str, kinds: Iterable[str] | None = None
) -> list[ChronologyEntry]:
    """Newest first. Reads only indexed columns written at save time, so a
    child with thousands of records is one index range scan."""
    wanted = tuple(kinds) if kinds else CHRONOLOGY_KINDS
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(
        "SELECT id, kind, sort_at, title, summary, pending FROM records"
        f" WHERE child_id = ? AND deleted = 0 AND kind IN ({marks})"
        " ORDER BY sort_at DESC, seq DESC",
        (str(child_id), *wanted),
    ).fetchall()
    news = partner_news.unseen(conn, str(child_id))
    return [
        ChronologyEntry(
            r[0], r[1], r[2] or "", r[3] or "", r[4] or "", bool(r[5]), news.get(r[0], "")
        )
        for r in rows
    ]
