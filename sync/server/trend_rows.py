"""The derived rows trends and hotspots count (`trend_events`,
`hotspot_mentions` in `schema`), kept in step with the current records.

Why a derived table and not JSON in SQL: the console's pages count over a
council's whole record (a million records, 5,000 children) and must answer
in 300 ms. Reading the places out of 150,000 concerns' and episodes' JSON,
normalising their spelling and grouping them, on SQLite and PostgreSQL
alike, takes seconds; the same counts over a few narrow indexed rows take
milliseconds. The rows are rewritten in the same transaction as the record
(`revisions.write_revisions` calls `refresh`), so they can never disagree
with what the record holds, and `rebuild` makes them again from `records`.

Only what is current counts: a record's rows are replaced by each new
revision's, a tombstone or a record entered in error has none, and when a
child's own record is tombstoned (a declined referral, the merged-away half
of a merge) every row of that child goes with it. A merge rewrites the
merged child's records under the surviving child, so they count once,
there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.mentions import mentions
from sync.kinds.restriction import column_value
from sync.server.db import among, insert_rows
from sync.server.schema import hotspot_children, hotspot_mentions, records, trend_events
from sync.wire import Record

ENGLAND = ZoneInfo("Europe/London")
# The statutory guidance's measure: a return home interview within 72 hours
# of the child's return; `rhi_due` is that moment. The trends count within
# the council's own rule (`council_rules.return_interview_hours`), from
# `rhi_due` and `rhi_minutes` (how long the interview took to be done).
RHI_HOURS = 72
# Kinds with a row in trend_events, and the field that dates each.
DATED_BY = {"missing_episode": "start", "cme_episode": "notified_at", "assessment": "date"}
# Kinds whose places, persons and vehicles are counted.
NAMING = ("missing_episode", "concern", "meeting")


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _england_day(value: Any) -> str | None:
    """A stored date as it is, a stored moment as its day in England."""
    if not value:
        return None
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text).isoformat()
    moment = _moment(text)
    return moment.astimezone(ENGLAND).date().isoformat() if moment else None


def _event(kind: str, data: dict[str, Any]) -> dict[str, Any] | None:
    day = _england_day(data.get(DATED_BY[kind]))
    if day is None:
        return None
    row: dict[str, Any] = {"day": day, "closed_day": None, "level": None}
    row |= {"rhi_due": None, "rhi_done": None, "rhi_minutes": None}
    if kind == "cme_episode":
        row["closed_day"] = _england_day(data.get("closed_at"))
    elif kind == "assessment":
        row["level"] = data.get("practitioner_level")
    else:
        rhi = data.get("return_home_interview") or {}
        ended = _moment(data.get("end"))
        if ended is not None and rhi.get("offered") != "na":
            row["rhi_due"] = _utc_text(ended + timedelta(hours=RHI_HOURS))
            done = _moment(rhi.get("completed_at"))
            row["rhi_done"] = _utc_text(done) if done else None
            if done is not None:
                # Whole minutes, rounded up: a second over is over.
                row["rhi_minutes"] = -int((ended - done).total_seconds() // 60)
    return row


def rows_of(
    record_id: str, kind: str, child_id: str, data: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The trend_events and hotspot_mentions rows of one current record
    (not a tombstone)."""
    if data.get("entered_in_error"):
        return [], []
    base = {"record_id": record_id, "child_id": child_id, "kind": kind}
    restricted = column_value(data)
    events: list[dict[str, Any]] = []
    if kind in DATED_BY and (event := _event(kind, data)) is not None:
        events.append(base | event | {"restricted_to": restricted})
    named: list[dict[str, Any]] = []
    if kind in NAMING:
        when = data.get("received_at") or data.get("start") or data.get("date")
        day = _england_day(when) or ""
        named = [
            base
            | {"what": m.what.value, "key": m.key[:520], "label": m.label[:520]}
            | {"day": day, "restricted_to": restricted}
            for m in mentions(kind, data)
        ]
    return events, named


def refresh(conn: Connection, written: Iterable[Record]) -> None:
    """Replace the derived rows of `written` (the current revisions just
    stored, in the caller's transaction) with theirs."""
    ids: list[str] = []
    gone_children: list[str] = []
    events: list[dict[str, Any]] = []
    named: list[dict[str, Any]] = []
    for record in written:
        kind = record.kind.value
        if kind == "child":
            if record.deleted:
                gone_children.append(str(record.child_id))
            continue
        if kind not in DATED_BY and kind not in NAMING:
            continue
        ids.append(str(record.id))
        if not record.deleted:
            e, n = rows_of(str(record.id), kind, str(record.child_id), record.data)
            events += e
            named += n
    # The children whose folded rows change: those the records named
    # before (a merge moves records to another child) and after.
    touched = {r["child_id"] for r in named} | set(gone_children)
    if ids:
        touched |= set(
            conn.execute(
                sa.select(hotspot_mentions.c.child_id)
                .where(among(conn, hotspot_mentions.c.record_id, ids))
                .distinct()
            ).scalars()
        )
    for table in (trend_events, hotspot_mentions):
        if ids:
            conn.execute(sa.delete(table).where(among(conn, table.c.record_id, ids)))
        if gone_children:
            conn.execute(sa.delete(table).where(among(conn, table.c.child_id, gone_children)))
    insert_rows(conn, trend_events, events)
    insert_rows(conn, hotspot_mentions, named)
    fold(conn, sorted(touched))


def fold(conn: Connection, children: list[str]) -> None:
    """Make the `hotspot_children` rows of `children` again from their
    mentions: one per thing, child and restriction."""
    if not children:
        return
    h = hotspot_children.c
    conn.execute(sa.delete(hotspot_children).where(among(conn, h.child_id, children)))
    m = hotspot_mentions.c
    restricted = sa.func.coalesce(m.restricted_to, "")
    folded = (
        sa.select(
            m.what,
            m.key,
            m.child_id,
            restricted,
            sa.func.min(m.label),
            sa.func.count(),
            sa.func.max(m.day),
        )
        .where(among(conn, m.child_id, children))
        .group_by(m.what, m.key, m.child_id, restricted)
    )
    columns = ["what", "key", "child_id", "restricted_to", "label", "mentions", "last_day"]
    conn.execute(sa.insert(hotspot_children).from_select(columns, folded))


def rebuild(conn: Connection, batch: int = 5000) -> int:
    """Make both tables again from the current records (the migration that
    adds them runs it), `batch` records at a time; the number read."""
    conn.execute(sa.delete(trend_events))
    conn.execute(sa.delete(hotspot_mentions))
    conn.execute(sa.delete(hotspot_children))
    gone = set(
        conn.execute(
            sa.select(records.c.id).where(records.c.kind == "child", records.c.deleted.is_(True))
        ).scalars()
    )
    query = (
        sa.select(records.c.id, records.c.kind, records.c.child_id, records.c.data)
        .where(
            records.c.kind.in_(sorted(set(DATED_BY) | set(NAMING))),
            records.c.deleted.is_(False),
        )
        .order_by(records.c.id)
        .limit(batch)
    )
    # 0012 runs this on the table as it made it, before 0019 added
    # rhi_minutes (and ran it again): only the columns the table has.
    have = {c["name"] for c in sa.inspect(conn).get_columns("trend_events")}
    read, after = 0, ""
    while rows := conn.execute(query.where(records.c.id > after)).all():
        read += len(rows)
        after = rows[-1].id
        events: list[dict[str, Any]] = []
        named: list[dict[str, Any]] = []
        for row in rows:
            if row.child_id not in gone:
                e, n = rows_of(row.id, row.kind, row.child_id, json.loads(row.data))
                events += e
                named += n
        events = [{k: v for k, v in e.items() if k in have} for e in events]
        insert_rows(conn, trend_events, events)
        insert_rows(conn, hotspot_mentions, named)
        fold(conn, sorted({r["child_id"] for r in named}))
    return read
