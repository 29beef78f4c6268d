"""Field-by-field three-way merge of a record's data.

Decision table, per top-level field, with base = the revision the client
edited, theirs = the server's current data, mine = the client's data:

  mine == theirs              -> either (both sides agree, or neither changed)
  mine == base                -> theirs (only the server side changed it)
  theirs == base              -> mine   (only the client changed it)
  both changed, long text     -> line-wise merge3 when it merges cleanly
  both changed, otherwise     -> conflict: nothing is chosen, both are kept
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from merge3 import Merge3

_MISSING = object()


@dataclass
class MergeResult:
    data: dict[str, Any]
    conflicts: list[tuple[str, Any, Any, Any]] = field(
        default_factory=list
    )  # field, base, theirs, mine


def _lines(text: str | None) -> list[str]:
    return (text or "").splitlines(keepends=True)


def merge_text(base: str | None, theirs: str | None, mine: str | None) -> str | None:
    """Line-wise three-way merge; None when the two edits touch the same lines."""
    m3 = Merge3(_lines(base), _lines(theirs), _lines(mine))
    for group in m3.merge_groups():
        if group[0] == "conflict":
            return None
    merged = "".join(m3.merge_lines())
    # merge3 works on lines; a last line without a newline on both sides
    # comes back joined correctly, so no trailing fix-up is needed.
    return merged


def merge_fields(
    base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any], long_text: frozenset[str]
) -> MergeResult:
    result = MergeResult(data={})
    for name in sorted(set(base) | set(theirs) | set(mine)):
        b, t, m = base.get(name), theirs.get(name), mine.get(name)
        if m in (t, b):
            value = t
        elif t == b:
            value = m
        elif name in long_text and all(isinstance(v, str | None) for v in (b, t, m)):
            value = merge_text(b, t, m)
            if value is None:
                result.conflicts.append((name, b, t, m))
                continue
        else:
            result.conflicts.append((name, b, t, m))
            continue
        if value is not None or name in theirs or name in mine:
            result.data[name] = value
    return result
