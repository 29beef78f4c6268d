"""What finalising a visit note asks of it, in the worker's words: the check
made before the worker is asked to confirm, the line a final note shows,
and the visit type a new note starts with for the child's legal status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from sync.errors import RecordInvalid
from sync.kinds.casework import VisitStatus, VisitType
from sync.kinds.people import LegalStatus
from sync.kinds.registry import validate_data
from ui.errors import problem_parts, what_to_do
from ui.text import moment_text
from ui.widgets import show_message

# The statutory visit each legal status calls for. Early help and no status
# have no visit type of their own: those notes start as "Other".
_VISIT_FOR_STATUS: dict[str, VisitType] = {
    LegalStatus.cp.value: VisitType.cp_statutory,
    LegalStatus.cin.value: VisitType.cin,
    LegalStatus.cla.value: VisitType.cla_statutory,
    LegalStatus.care_leaver.value: VisitType.care_leaver,
    LegalStatus.private_fostering.value: VisitType.private_fostering,
}

FINAL_LINE = "Finalised — add an addendum to change it"


def visit_type_for(legal_status: str | None) -> VisitType:
    """The visit type a new note for a child of `legal_status` starts with."""
    return _VISIT_FOR_STATUS.get(legal_status or "", VisitType.other)


def finalise_problem(data: dict[str, Any], worker: str, now: datetime) -> RecordInvalid | None:
    """What stops the note `data` (as the form holds it) from being
    finalised, checked by the same rules the store applies; None when
    nothing does. Nothing is written."""
    final = {
        **data,
        "status": VisitStatus.final.value,
        "finalised_at": now.isoformat(),
        "finalised_by": worker,
    }
    try:
        validate_data("visit", final)
    except RecordInvalid as exc:
        return exc
    return None


def finalise_problem_text(problem: RecordInvalid, field_words: str) -> str:
    """'Not finalised yet: Child seen — say whether …. The note is saved as a
    draft.' `field_words` names the field as the form labels it."""
    _field, rule = problem_parts(problem)
    head = f"{field_words} — {what_to_do(rule)}" if field_words else what_to_do(rule)
    return f"Not finalised yet: {head}. The note is saved as a draft."


def point_at(message: QLabel, fields: dict[str, QWidget], problem: RecordInvalid) -> None:
    """Say at `message` what finalising still needs, naming the field as the
    form labels it, and put the cursor in that field."""
    field = fields.get(problem.field)
    show_message(message, finalise_problem_text(problem, field.accessibleName() if field else ""))
    if field is not None:
        field.setFocus()


def final_line(data: dict[str, Any]) -> str:
    """What a final note says above its fields: that it is final, how to
    change it, and who finalised it when (as far as the note says)."""
    by, when = data.get("finalised_by"), data.get("finalised_at")
    said = " ".join(
        p for p in (f"by {by}" if by else "", f"on {moment_text(when)}" if when else "") if p
    )
    return f"{FINAL_LINE} · finalised {said}." if said else f"{FINAL_LINE}."
