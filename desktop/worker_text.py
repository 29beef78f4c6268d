"""The worker's own text in an edit the central record did not take as it
was (a conflict or a refusal): which fields they changed, those fields as
plain text to copy, and addenda that keep it beside a final visit note.

Shared by `desktop.conflicts` and `desktop.refused`, so "what the worker
wrote" means the same in both lists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop import outbox
from desktop.england import england_iso
from desktop.records import get_record
from desktop.repository import CaseRepository
from desktop.rule_words import field_words
from sync.errors import RecordInvalid
from sync.kinds import model_for
from sync.kinds.common import Choice
from sync.wire import Kind, Record

# A visit's finalisation is the other side's, never the worker's text.
_BOOKKEEPING = frozenset({"status", "finalised_at", "finalised_by"})
# An addendum's text is at most this long (sync.kinds.casework.Addendum).
ADDENDUM_LIMIT = 100_000


@dataclass(frozen=True)
class FieldText:
    """One field of the worker's version beside the central record's."""

    field: str
    mine: Any
    theirs: Any


def changed_fields(
    kind: str,
    base: dict[str, Any] | None,
    theirs: dict[str, Any] | None,
    mine: dict[str, Any],
) -> list[FieldText]:
    """The fields where the worker's version says something the central
    record's does not: changed by the worker (against `base`, when known)
    and different from `theirs` (None: the central record has no version;
    then a field left at its kind's default says nothing)."""
    theirs = theirs or {}
    fields = model_for(kind).model_fields
    out = []
    for name in sorted(set(mine) | set(theirs)):
        value = mine.get(name)
        if value == theirs.get(name) or name in _BOOKKEEPING:
            continue
        if base is not None and value == base.get(name):
            continue  # the other side changed it; the worker did not
        if name not in theirs and (
            value in (None, "", []) or (name in fields and value == fields[name].default)
        ):
            continue
        out.append(FieldText(name, value, theirs.get(name)))
    return out


def field_choice(kind: str, field: str) -> type[Choice] | None:
    """The codes a field of `kind` holds (None: it holds no codes)."""
    return model_for(kind).choice_for(field)


# A stored instant, as the schemas write a time: shown in England's offset.
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")


def as_text(value: Any, choice: type[Choice] | None = None) -> str:
    """A field's value as text the worker reads and may edit back: a code
    of `choice` as its words (one a line for a list of them), a time as the
    same instant in England's offset ('2026-07-15T00:30:00+01:00')."""
    if value is None:
        return ""
    if choice is not None and (words := _words(value, choice)) is not None:
        return words
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return england_iso(value) if _INSTANT.fullmatch(value) else value
    return json.dumps(value, indent=1, ensure_ascii=False)


def _words(value: Any, choice: type[Choice]) -> str | None:
    codes = value if isinstance(value, list) else [value]
    known = choice._value2member_map_
    if not all(isinstance(code, str) and code in known for code in codes):
        return None
    return "\n".join(choice(code).words for code in codes)


def from_words(text: str, choice: type[Choice], *, many: bool) -> str | list[str] | None:
    """The codes an edited text names, by their words (or the codes
    themselves); ValueError naming the choices when a line names none."""
    by_words = {m.words.casefold(): m.value for m in choice}
    by_words.update({m.value: m.value for m in choice})
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return [] if many else None
    if not many and len(lines) > 1:
        lines = [" ".join(lines)]
    found = [by_words.get(line.casefold()) for line in lines]
    codes = [code for code in found if code is not None]
    if len(codes) < len(found):
        raise ValueError("choose one of " + ", ".join(m.words for m in choice))
    return codes if many else codes[0]


def plain_text(fields: list[FieldText], kind: str) -> str:
    """The worker's fields as text to copy elsewhere: a heading per field."""
    return "\n\n".join(
        f"{field_words(f.field)}:\n{as_text(f.mine, field_choice(kind, f.field))}" for f in fields
    )


def _chunks(text: str, limit: int) -> list[str]:
    return [text[i : i + limit] for i in range(0, len(text), limit)] or [""]


def keep_as_addenda(
    repo: CaseRepository,
    visit_id: str,
    fields: list[FieldText],
    *,
    made_at: datetime | str,
    why: str,
) -> list[Record]:
    """Keep the worker's text beside a final visit note as addenda (more
    than one only when the text is longer than one addendum holds).

    Runs inside the caller's transaction. Each addendum is a new mutation
    whose `made_at` is when the text was first typed, so the central record
    takes it under the same grace as the edit it replaces.
    """
    visit = get_record(repo.store.conn, visit_id)
    if visit is None or visit.kind != Kind.visit or visit.data.get("status") != "final":
        raise RecordInvalid("visit_id", "visit_id: addenda are for final visit notes")
    text = plain_text(fields, Kind.visit.value)
    if not text.strip():
        raise RecordInvalid("text", "text: there is no text of yours to keep")
    heading = why + "\n\n"
    made = []
    with repo.store.transaction() as conn:
        for part in _chunks(text, ADDENDUM_LIMIT - len(heading)):
            addendum = repo.add_addendum(visit_id, heading + part, reason="other")
            outbox.date_waiting(conn, str(addendum.id), made_at)
            made.append(addendum)
    return made
