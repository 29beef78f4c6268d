"""Rules about changing a record, beyond what one version's schema can say."""

from __future__ import annotations

from typing import Any

from sync.errors import RecordInvalid
from sync.kinds.registry import validate_data

# On a final visit only these may change: a note written on the wrong child's
# file must still be markable as entered in error (the repository relies on
# this); everything else is corrected by an addendum.
FINAL_VISIT_MUTABLE = frozenset({"entered_in_error", "entered_in_error_reason"})


def check_update(kind: str, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    """Refuse an update the rules forbid; `old` is None for a create.

    Both sides are validated data dicts. Callers validate `new` with
    `validate_data` as well: this checks the change, not the schema.
    """
    if kind == "visit":
        _check_visit(old, new)
    elif kind == "assessment":
        _check_screening(old, new)
    elif kind == "addendum" and old is not None and old.get("visit_id") != new.get("visit_id"):
        raise RecordInvalid("visit_id", "visit_id: an addendum cannot move to another visit")
    elif kind == "sign_off" and old is not None and old.get("visit_id") != new.get("visit_id"):
        raise RecordInvalid("visit_id", "visit_id: a sign-off cannot move to another visit")


def _check_visit(old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    if old is not None and old.get("status") == "final":
        # Compare normalised forms: "+00:00" vs "Z", or a default filled in,
        # is not a change to the note.
        old, new = _normalised(old), _normalised(new)
        changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
        if changed - FINAL_VISIT_MUTABLE:
            raise RecordInvalid(
                "status",
                "status: this visit note is final and cannot be changed; "
                "add an addendum to correct or add to it",
            )
        return
    # draft -> final (or created final): the note must say who finalised it and when.
    if new.get("status") == "final":
        for field in ("finalised_at", "finalised_by"):
            if not new.get(field):
                raise RecordInvalid(field, f"{field}: is required to finalise a visit")


# Worded for the worker: the laptop's form and the central record's refusal say it alike.
RATIONALE_NEEDED = "rationale: give your reasons for the level you judged; a screening needs them"


def _check_screening(old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    """A screening's practitioner level comes with the practitioner's reasons.

    The schema keeps `rationale` optional, so screenings stored before this
    rule stay valid and can still be marked entered in error or closed; a
    new screening, a changed level and a removed rationale need it.
    """
    if (new.get("rationale") or "").strip():
        return
    if (
        old is None
        or (old.get("rationale") or "").strip()
        or old.get("practitioner_level") != new.get("practitioner_level")
    ):
        raise RecordInvalid("rationale", RATIONALE_NEEDED)


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    try:
        return validate_data("visit", data)
    except RecordInvalid:
        return data
