"""Need-to-know records: which agencies may see a record, decided in one
place for the laptop and the central record.

Any record may carry `restricted_to`, the agencies whose workers may see
it (`KindData.restricted_to`); a record without one is seen by every worker
who holds its child. The central record stores the restriction in an
indexed column of the record (`column_value`), filters the feed and the
history by it in SQL, and refuses a push a worker could not see
(`check_restriction`). A concern's older `sharing_restriction` stays what
it always was: free text telling a reader how the information may be
passed on, shown and searched with the concern. It restricts nothing by
itself, as free text cannot be enforced; `restricted_to` is what does.
"""

from __future__ import annotations

from typing import Any

from sync.errors import RecordInvalid
from sync.kinds.common import Agency

FIELD = "restricted_to"
# What the field is called on screen, in refusals and on the concern form.
WORDS = "Seen only by"


def restricted_to(data: dict[str, Any]) -> list[str] | None:
    """The agency codes that may see a record with `data`; None for all."""
    value = data.get(FIELD)
    return list(value) if value else None


def may_see(agency: str, data: dict[str, Any]) -> bool:
    """Whether a worker of `agency` may see a record with `data`."""
    allowed = restricted_to(data)
    return allowed is None or agency in allowed


def column_value(data: dict[str, Any]) -> str | None:
    """The restriction as the central record's indexed column holds it:
    ',csc,police,' (sorted, comma at each end, so one agency is matched by
    `LIKE '%,police,%'`), or NULL for none."""
    allowed = restricted_to(data)
    return None if allowed is None else "," + ",".join(sorted(set(allowed))) + ","


def column_matches(agency: str) -> str:
    """The LIKE pattern of `column_value` that lets `agency` see a record."""
    return f"%,{agency},%"


def agency_words(code: str) -> str:
    try:
        return Agency(code).words
    except ValueError:
        return code


def seen_only_by(data: dict[str, Any]) -> str:
    """'Seen only by: Police, Children's social care'; '' for no restriction."""
    allowed = restricted_to(data)
    return f"{WORDS}: " + ", ".join(agency_words(a) for a in allowed) if allowed else ""


def check_restriction(kind: str, data: dict[str, Any], agency: str) -> None:
    """RecordInvalid naming the field when a worker of `agency` may not
    write `data`: a restriction that leaves out their own agency (they
    could not see what they wrote), or one on a child's own record (the
    child is on the caseloads of every agency holding it; restrict the
    records about them instead)."""
    allowed = restricted_to(data)
    if allowed is None:
        return
    if kind == "child":
        raise RecordInvalid(
            FIELD,
            f"{FIELD} ({WORDS}): a child's own record cannot be restricted; "
            "restrict the records about the child instead",
        )
    if agency not in allowed:
        raise RecordInvalid(
            FIELD,
            f"{FIELD} ({WORDS}): must include your own agency ({agency_words(agency)}), "
            "or you could not see the record you send",
        )


# The refusal of a change to a record the worker may not see: it names the
# field, and says nothing of the record.
NOT_YOURS = (
    f"{FIELD} ({WORDS}): this record is restricted to agencies you do not belong to; "
    "it was not changed"
)
