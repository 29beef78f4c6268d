"""Partner reports: what a school, the police or health tell the central
record through the console, from the form to the child's record.

A report (read by `report_forms.read_form`; a bad form stores nothing) is
matched to a child the record knows — by NHS number, else by the same name
and date of birth when exactly one child has them (`children`'s duplicate
detection) — and lands on that child's record as a record of an existing
kind, written through the one write path (`central_writes`), so the
allocated worker's laptop receives it at its next sync. A police "found"
report closes the child's open missing episode when there is one.

What stays with the central team (the queue, `waiting`):
- a report about a child the record does not know (status received): the
  coordinator matches it to a child, adds the child as new, or declines it;
- a matched report the child's record refuses as it stands (status
  matched: for example the child already has an open missing-education
  episode): the reason is kept for the central team, never shown to the
  partner, who sees only the status of their own reports (`own_reports`).
Every step is audited, with no case text in the audit detail.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.kinds.common import Choice
from sync.kinds.people import display_name
from sync.server import children
from sync.server.audit import record_audit
from sync.server.caseload import as_utc
from sync.server.central_writes import write_records
from sync.server.report_forms import KIND_OF, ReportType, read_form
from sync.server.revisions import as_record
from sync.server.schema import partner_reports, records
from sync.wire import MutationStatus, Record


class Status(Choice):
    received = "received", "Received: the central team is finding the child"
    matched = "matched", "Matched to a child: the central team is adding it to the record"
    recorded = "recorded", "On the child's record"
    declined = "declined", "Declined by the central team"


WAITING = (Status.received, Status.matched)


class ReportError(ValueError):
    """A decision the central team cannot make, in a plain sentence."""


@dataclass(frozen=True)
class Account:
    """The signed-in account a report or a decision is made under."""

    worker_id: int
    name: str
    role: str
    agency: str


def console_device(account: Account) -> str:
    # The console's writes are named in the mutations table by account.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"caseworker:console:{account.worker_id}"))


def submit(engine: Engine, account: Account, report_type: str, form: dict[str, str]) -> str:
    """Store a partner's report and put it on the child's record when the
    child is matched; its id. ReportInvalid (nothing stored) for a bad form."""
    now = datetime.now(UTC)
    report = read_form(account.agency, report_type, form, now=now)
    report_id = str(uuid.uuid4())
    report.data["partner_report_id"] = report_id
    with engine.begin() as conn:
        # The record's write comes first: a transaction takes its change
        # numbers before its first write (`sequence`).
        child_id = match(conn, report.child)
        landed = {}
        if child_id is not None:
            landed = land(conn, account, report.report_type, report.data, child_id, keep_back=True)
        conn.execute(
            sa.insert(partner_reports).values(
                id=report_id,
                reporter_id=account.worker_id,
                agency=account.agency,
                report_type=report.report_type.value,
                child=json.dumps(report.child),
                data=json.dumps(report.data),
                submitted_at=now,
                **({"status": Status.received.value} | landed),
            )
        )
        record_audit(
            conn,
            action="partner_report",
            worker_id=account.worker_id,
            record_id=report_id,
            detail=report.report_type.value,
        )
        if landed:
            _audit_landed(conn, account, report.report_type, landed)
    return report_id


def match(conn: Connection, child: dict[str, Any]) -> str | None:
    """The child on the record the partner means, or None: the same NHS
    number; else the one child with the same name and date of birth (and no
    other NHS number)."""
    same = children.same_nhs_number(conn, child)
    if same is not None:
        return same.child_id
    twins = children.similar(conn, child)
    if len(twins) != 1:
        return None
    nhs = (child.get("identifiers") or {}).get("nhs_number")
    if nhs:
        theirs = conn.execute(sa.select(records.c.data).where(records.c.id == twins[0].child_id))
        known = (json.loads(theirs.scalar_one()).get("identifiers") or {}).get("nhs_number")
        if known and known != nhs:
            return None
    return twins[0].child_id


def report_row(conn: Connection, report_id: str) -> Any:
    return conn.execute(sa.select(partner_reports).where(partner_reports.c.id == report_id)).first()


def land(
    conn: Connection,
    account: Account,
    report_type: str,
    data: dict[str, Any],
    child_id: str,
    *,
    keep_back: bool,
    before: Sequence[Record] = (),
) -> dict[str, Any]:
    """Write the report onto child `child_id`'s record (after `before`, the
    child's own new record when it is added), as the transaction's first
    write; the report row's new values. Refused by the record's rules: kept
    back as matched (`keep_back`, on submission) or ReportError (a
    coordinator's decision; the caller's transaction then stores nothing)."""
    record = _record_for(conn, report_type, child_id, data, account.name)
    results = write_records(
        conn,
        worker_id=account.worker_id,
        worker=account.name,
        role=account.role,
        agency=account.agency,
        records=[*before, record],
        device_id=console_device(account),
    )
    refused = [
        r for r in results if r.status not in (MutationStatus.applied, MutationStatus.merged)
    ]
    if refused and not keep_back:
        reason = refused[0].reason or "it was changed meanwhile"
        raise ReportError(f"The child's record refused this report: {reason}")
    if refused:
        reason = (refused[0].reason or "")[:500]
        return {"child_id": child_id, "status": Status.matched.value, "held_back": reason}
    return {
        "child_id": child_id,
        "status": Status.recorded.value,
        "record_id": str(record.id),
        "held_back": None,
    }


def _audit_landed(
    conn: Connection, account: Account, report_type: str, landed: dict[str, Any]
) -> None:
    record_audit(
        conn,
        action=f"partner_report_{landed['status']}",
        worker_id=account.worker_id,
        child_id=landed["child_id"],
        record_id=landed.get("record_id"),
        detail=str(report_type),
    )


def settle(
    conn: Connection, account: Account, report_id: str, report_type: str, landed: dict[str, Any]
) -> None:
    """Store where a waiting report landed, and audit it."""
    conn.execute(sa.update(partner_reports).where(partner_reports.c.id == report_id).values(landed))
    _audit_landed(conn, account, report_type, landed)


def _record_for(
    conn: Connection, report_type: str, child_id: str, data: dict[str, Any], by: str
) -> Record:
    now = datetime.now(UTC)
    if report_type == ReportType.found:
        open_episode = _open_missing_episode(conn, child_id)
        if open_episode is not None:
            # The police found the child: the episode the worker knows ends.
            found = {k: v for k, v in data.items() if v is not None and k != "start"}
            return open_episode.model_copy(
                update={"data": open_episode.data | found, "updated_at": now, "updated_by": by}
            )
    return Record(
        id=uuid.uuid4(),
        kind=KIND_OF[ReportType(report_type)],
        child_id=uuid.UUID(child_id),
        updated_at=now,
        updated_by=by,
        data=data,
    )


def _open_missing_episode(conn: Connection, child_id: str) -> Record | None:
    rows = conn.execute(
        sa.select(records).where(
            records.c.child_id == child_id,
            records.c.kind == "missing_episode",
            records.c.deleted.is_(False),
        )
    )
    for row in rows:
        record = as_record(row)
        if not record.data.get("end") and not record.data.get("entered_in_error"):
            return record
    return None


@dataclass(frozen=True)
class OwnReport:
    """What a partner sees of a report of theirs: what and when they
    reported, about whom (as they named the child), and how far it has come."""

    id: str
    report_type: ReportType
    child_name: str
    submitted_at: datetime
    status: Status


def _own(row: Any) -> OwnReport:
    child = json.loads(row.child)
    return OwnReport(
        row.id,
        ReportType(row.report_type),
        display_name(child),
        as_utc(row.submitted_at),
        Status(row.status),
    )


def own_reports(engine: Engine, reporter_id: int) -> list[OwnReport]:
    """A partner's own reports, newest first; nobody else's."""
    r = partner_reports.c
    query = sa.select(partner_reports).where(r.reporter_id == reporter_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(r.submitted_at.desc())).all()
    return [_own(row) for row in rows]


def own_report(engine: Engine, reporter_id: int, report_id: str) -> OwnReport | None:
    """One report, if it is this partner's (None otherwise, whether or not it exists)."""
    with engine.connect() as conn:
        row = report_row(conn, report_id)
    return _own(row) if row is not None and row.reporter_id == reporter_id else None
