"""The central team's queue of partner reports not yet on a child's record
(`partner_reports`): each with the child as the partner named them and the
children on the record it may be (the same NHS number, the same name and
date of birth), and the three decisions — match to a child, add the child
as new, decline. A decision the record refuses stores nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.kinds.people import display_name
from sync.server import children
from sync.server.audit import record_audit
from sync.server.caseload import as_utc
from sync.server.partner_reports import (
    WAITING,
    Account,
    ReportError,
    Status,
    land,
    report_row,
    settle,
)
from sync.server.report_forms import ReportType
from sync.server.schema import partner_reports, records, workers
from sync.wire import Record


@dataclass(frozen=True)
class Waiting:
    id: str
    report_type: ReportType
    agency: str
    reporter: str
    submitted_at: datetime
    status: Status
    child_name: str
    date_of_birth: str
    nhs_number: str | None
    held_back: str | None
    possible: list[children.Existing]


def waiting(engine: Engine) -> list[Waiting]:
    """Reports waiting for the central team, oldest first."""
    r = partner_reports.c
    query = (
        sa.select(partner_reports, workers.c.name.label("reporter"))
        .join(workers, workers.c.id == r.reporter_id)
        .where(r.status.in_([s.value for s in WAITING]))
        .order_by(r.submitted_at)
    )
    found = []
    with engine.connect() as conn:
        for row in conn.execute(query).all():
            child = json.loads(row.child)
            possible = children.similar(conn, child)
            same = children.same_nhs_number(conn, child)
            if same is not None and same not in possible:
                possible.insert(0, same)
            if row.child_id and all(p.child_id != row.child_id for p in possible):
                kid = conn.execute(sa.select(records.c.data).where(records.c.id == row.child_id))
                data = kid.scalar_one_or_none()
                if data is not None:
                    kid_data = json.loads(data)
                    possible.insert(
                        0,
                        children.Existing(
                            row.child_id, display_name(kid_data), str(kid_data["date_of_birth"])
                        ),
                    )
            found.append(
                Waiting(
                    row.id,
                    ReportType(row.report_type),
                    row.agency,
                    row.reporter,
                    as_utc(row.submitted_at),
                    Status(row.status),
                    display_name(child),
                    str(child.get("date_of_birth")),
                    (child.get("identifiers") or {}).get("nhs_number"),
                    row.held_back,
                    possible,
                )
            )
    return found


def _waiting_row(conn: Any, report_id: str) -> Any:
    row = report_row(conn, report_id)
    if row is None:
        raise ReportError("There is no such report.")
    if row.status not in WAITING:
        raise ReportError(f"This report is already {Status(row.status).words.lower()}.")
    return row


def match_to(engine: Engine, report_id: str, child_id: str, *, by: Account) -> None:
    """Put the report on child `child_id`'s record."""
    with engine.begin() as conn:
        row = _waiting_row(conn, report_id)
        kid = conn.execute(
            sa.select(records.c.id).where(
                records.c.id == child_id, records.c.kind == "child", records.c.deleted.is_(False)
            )
        ).first()
        if kid is None:
            raise ReportError("There is no child on the record with that id.")
        landed = land(conn, by, row.report_type, json.loads(row.data), child_id, keep_back=False)
        settle(conn, by, report_id, row.report_type, landed)
        _decided(conn, report_id, by)


def add_as_new(engine: Engine, report_id: str, *, by: Account) -> str:
    """Add the child the report is about to the record, and the report onto
    it; the new child's id. Refused when the record already has the child's
    NHS number (match the report to that child instead). The child is on
    nobody's caseload until the central team allocates it."""
    with engine.begin() as conn:
        row = _waiting_row(conn, report_id)
        child = json.loads(row.child)
        children.hold_identities(conn)
        same = children.same_nhs_number(conn, child)
        if same is not None:
            raise ReportError(
                f"The record already has this NHS number: {same.words()}. "
                "Match the report to that child instead."
            )
        child_id = uuid.uuid4()
        record = Record(
            id=child_id,
            kind="child",
            child_id=child_id,
            updated_at=datetime.now(UTC),
            updated_by=by.name,
            data=child,
        )
        landed = land(
            conn,
            by,
            row.report_type,
            json.loads(row.data),
            str(child_id),
            keep_back=False,
            before=[record],
        )
        settle(conn, by, report_id, row.report_type, landed)
        _decided(conn, report_id, by)
    return str(child_id)


def decline(engine: Engine, report_id: str, *, by: Account) -> None:
    with engine.begin() as conn:
        row = _waiting_row(conn, report_id)
        conn.execute(
            sa.update(partner_reports)
            .where(partner_reports.c.id == report_id)
            .values(status=Status.declined.value)
        )
        _decided(conn, report_id, by)
        record_audit(
            conn,
            action="partner_report_declined",
            worker_id=by.worker_id,
            child_id=row.child_id,
            record_id=report_id,
            detail=row.report_type,
        )


def _decided(conn: Any, report_id: str, by: Account) -> None:
    conn.execute(
        sa.update(partner_reports)
        .where(partner_reports.c.id == report_id)
        .values(decided_at=datetime.now(UTC), decided_by=by.name)
    )
