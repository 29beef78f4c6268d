"""The derived rows the coordinator's daily list reads (`daily_rows` in
`schema`), kept in step with the current records as `trend_rows` keeps
the trends' and hotspots' (same transaction, same rules: only what is
current, nothing entered in error, nothing of a child whose own record is
gone), and made again from `records` by `rebuild`.

Why: the list needs, for every child of a council (5,000 children, a
million records), whether an episode is open, the last visit, the return
home interview outstanding, the plan review and the latest screening. Read
from the records' JSON that is three quarters of a million visits parsed
per page, seconds; from these narrow indexed rows it is a few thousand
rows and one index probe per child. Nothing here is new information.

One row per current child, missing episode, missing-education episode,
screening, plan and visit:
- `open`: a missing episode not ended, a missing-education episode not closed;
- `day`: a visit's day, a screening's date, an open plan's review date,
  and on a child's row the day of their last visit not restricted (kept by
  `refresh`, so the list reads one row per child, not every visit);
- `returned`: when the child came back from a missing episode whose return
  home interview is still to do (so a council's own hours can be applied
  when the list is read: `due_rules`);
- `level`: a screening's practitioner level, a child's own risk level;
- `name`: a child's name as the list shows it;
- `updated_at`: the record's change time, UTC, 'YYYY-MM-DDTHH:MM:SS'.
Moments are UTC text in that spelling, so they compare as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.restriction import column_value
from sync.server.db import among, insert_rows
from sync.server.schema import daily_rows, records
from sync.wire import Record

KINDS = ("child", "missing_episode", "cme_episode", "assessment", "plan", "visit")


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_text(value: Any) -> str | None:
    """A moment (datetime or ISO text) as UTC 'YYYY-MM-DDTHH:MM:SS'."""
    moment = _moment(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") if moment else None


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


def child_name(data: dict[str, Any]) -> str:
    parts = (str(data.get(k) or "") for k in ("first_name", "last_name"))
    return " ".join(parts).strip()[:400] or "A child"


def row_of(
    record_id: str, kind: str, child_id: str, updated_at: Any, data: dict[str, Any]
) -> dict[str, Any] | None:
    """The daily_rows row of one current record (not a tombstone), or None."""
    if kind not in KINDS or data.get("entered_in_error"):
        return None
    row: dict[str, Any] = {
        "record_id": record_id,
        "child_id": child_id,
        "kind": kind,
        "updated_at": utc_text(updated_at) or "",
        "open": False,
        "day": None,
        "returned": None,
        "level": None,
        "name": None,
        "restricted_to": column_value(data),
    }
    if kind == "child":
        row["level"], row["name"] = data.get("risk_level"), child_name(data)
    elif kind == "missing_episode":
        rhi = data.get("return_home_interview") or {}
        if not data.get("end"):
            row["open"] = True
        elif not rhi.get("completed_at") and rhi.get("offered") != "na":
            row["returned"] = utc_text(data["end"])
    elif kind == "cme_episode":
        row["open"] = data.get("status", "open") == "open" and not data.get("closed_at")
    elif kind == "assessment":
        row["day"], row["level"] = _day(data.get("date")), data.get("practitioner_level")
    elif kind == "plan":
        row["day"] = None if data.get("status") == "closed" else _day(data.get("review_date"))
    else:  # visit
        row["day"] = _day(data.get("start"))
    return row


def refresh(conn: Connection, written: Iterable[Record]) -> None:
    """Replace the daily_rows of `written` (the current revisions just
    stored, in the caller's transaction) with theirs."""
    ids: list[str] = []
    gone_children: list[str] = []
    rows: list[dict[str, Any]] = []
    for record in written:
        kind = record.kind.value
        if kind not in KINDS:
            continue
        ids.append(str(record.id))
        if record.deleted:
            if kind == "child":
                gone_children.append(str(record.child_id))
            continue
        row = row_of(str(record.id), kind, str(record.child_id), record.updated_at, record.data)
        if row is not None:
            rows.append(row)
    # The children whose last visit may change: those of the visits (and
    # child records) written, before (a merge moves records) and after.
    touched = {r["child_id"] for r in rows if r["kind"] in ("visit", "child")}
    if ids:
        touched |= set(
            conn.execute(
                sa.select(daily_rows.c.child_id)
                .where(among(conn, daily_rows.c.record_id, ids), daily_rows.c.kind == "visit")
                .distinct()
            ).scalars()
        )
        conn.execute(sa.delete(daily_rows).where(among(conn, daily_rows.c.record_id, ids)))
    if gone_children:
        conn.execute(sa.delete(daily_rows).where(among(conn, daily_rows.c.child_id, gone_children)))
    insert_rows(conn, daily_rows, rows)
    last_visits(conn, sorted(touched - set(gone_children)))


def last_visits(conn: Connection, children: list[str] | None) -> None:
    """Write on each child's row (of `children`, or every child) the day of
    their last visit not restricted to some agencies."""
    v = daily_rows.alias("v").c
    last = (
        sa.select(sa.func.max(v.day))
        .where(v.child_id == daily_rows.c.child_id, v.kind == "visit", v.restricted_to.is_(None))
        .scalar_subquery()
    )
    which = [daily_rows.c.kind == "child"]
    if children is not None:
        if not children:
            return
        which.append(among(conn, daily_rows.c.child_id, children))
    conn.execute(sa.update(daily_rows).where(*which).values(day=last))


def rebuild(conn: Connection, batch: int = 5000) -> int:
    """Make daily_rows again from the current records (the migration that
    adds the table runs it), `batch` records at a time; the number read."""
    conn.execute(sa.delete(daily_rows))
    gone = set(
        conn.execute(
            sa.select(records.c.id).where(records.c.kind == "child", records.c.deleted.is_(True))
        ).scalars()
    )
    query = (
        sa.select(
            records.c.id, records.c.kind, records.c.child_id, records.c.updated_at, records.c.data
        )
        .where(records.c.kind.in_(KINDS), records.c.deleted.is_(False))
        .order_by(records.c.id)
        .limit(batch)
    )
    read, after = 0, ""
    while found := conn.execute(query.where(records.c.id > after)).all():
        read += len(found)
        after = found[-1].id
        rows = [
            row
            for r in found
            if r.child_id not in gone
            and (row := row_of(r.id, r.kind, r.child_id, r.updated_at, json.loads(r.data)))
        ]
        insert_rows(conn, daily_rows, rows)
    last_visits(conn, None)
    return read
