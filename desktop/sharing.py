"""Recording what was shared with another agency, and what was not.

A document shared goes in one step: its PDF is written first (a PDF that
cannot be written shares nothing, so nothing is recorded), then the
sharing record and its audit event — an export "shared with" the agency,
naming the sharing record — are stored together. If that
store fails, the caller removes the PDF it wrote and says so: a document
handed over with no record of it is the failure inspections found most.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.repository import CaseRepository
from sync.kinds import validate_data
from sync.wire import Record


def sharing_data(
    *, what: str, drawn_from: list[str], day: date, shared_by: str, **chosen: Any
) -> dict[str, Any]:
    """A disclosure's data: what the worker chose in the Share dialog
    (agency, person, purpose, basis, consent…) and what the document gives."""
    return {
        **chosen,
        "what": what,
        "drawn_from": drawn_from,
        "date": day.isoformat(),
        "shared_by": shared_by,
        "decision": "shared",
    }


def check_sharing(data: dict[str, Any]) -> dict[str, Any]:
    """The sharing as it would be stored; RecordInvalid naming the field
    (the kind's own rules: both ends refuse the same)."""
    return validate_data("sharing", data)


def record_sharing(repo: CaseRepository, child_id: str, data: dict[str, Any]) -> Record:
    """On the database thread: store the sharing and its audit event in one
    transaction (neither without the other). The event is an export whose
    detail says to which agency (a code, never case content)."""
    with repo.store.transaction():
        record = repo.create("sharing", data, child_id=child_id)
        repo.audit("export", child_id, str(record.id), detail=shared_detail(record.data))
    return record


def shared_detail(data: dict[str, Any]) -> str:
    """The audit detail of a sharing: 'shared with police'."""
    return f"{SHARED_WITH} {data['agency']}"


SHARED_WITH = "shared with"
