"""A child's audit trail read back: who viewed, edited, exported, printed,
shared, sent or received the child's record, and when — for coordinators,
the child's manager (`GET /children/{child_id}/audit`) and the
administrator on the service's host (`central-record audit --child`).

Events are read in the order they happened: a laptop's by its own time
(`at`), however much later its upload arrived, and marked as uploaded
later with when. Every action is shown, those this module has no words
for by their name and detail, so an action added later (a break-the-glass
grant) reads at once. The trail names accounts and laptops, never case
content, and nothing of it is logged — with one exception its readers
need: a break-the-glass grant reads with the reason the worker stated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.kinds import kind_label
from sync.server.audit import record_audit
from sync.server.caseload import as_utc
from sync.server.roles import Role
from sync.server.schema import (
    assignments,
    audit_events,
    devices,
    records,
    teams,
    temporary_access,
    workers,
)
from sync.wire import AuditEntry, AuditTrail

PAGE = 200
MAX_PAGE = 1000
# A laptop uploads its events at every sync, a minute or two after them
# when it is online; later than this, it was working offline.
UPLOADED_LATER = timedelta(minutes=10)
ENGLAND = ZoneInfo("Europe/London")

_ON_LAPTOP = {
    "view": "Viewed",
    "edit": "Edited",
    "export": "Exported",
    "print": "Printed",
}


def child_exists(conn: Connection, child_id: str) -> bool:
    query = sa.select(records.c.id).where(records.c.id == child_id, records.c.kind == "child")
    return conn.execute(query).first() is not None


def manages_holder(conn: Connection, manager_id: int, child_id: str) -> bool:
    """Whether the child is held now by a member of a team `manager_id`
    manages: the child's manager, in the issue's words."""
    query = (
        sa.select(assignments.c.child_id)
        .select_from(
            assignments.join(workers, workers.c.id == assignments.c.worker_id).join(
                teams, teams.c.id == workers.c.team_id
            )
        )
        .where(assignments.c.child_id == child_id, teams.c.manager_id == manager_id)
    )
    return conn.execute(query.limit(1)).first() is not None


def england_text(at: datetime) -> str:
    """England's time of `at`, as 'Tue 02 Dec 2026 10:04'."""
    return as_utc(at).astimezone(ENGLAND).strftime("%a %d %b %Y %H:%M")


def _short(at: datetime) -> str:
    return as_utc(at).astimezone(ENGLAND).strftime("%a %d %b %H:%M")


def _kinds_words(detail: str) -> str:
    # A push's detail is "visit:2,sharing:1" (see `push_detail`).
    parts = []
    for part in detail.split(","):
        kind, _, count = part.partition(":")
        try:
            parts.append(f"{kind_label(kind)} ×{int(count)}")
        except (KeyError, ValueError):
            parts.append(part)
    return ", ".join(parts)


def words(
    action: str,
    *,
    laptop: bool,
    device: str | None,
    detail: str | None,
    kind: str | None,
    received_at: datetime | None,
    uploaded_later: bool,
) -> str:
    """One event in plain words, e.g. "Viewed on laptop 'North 3'
    (offline, uploaded Tue 02 Dec 10:04)"."""
    where = f"laptop '{device}'" if device else "a laptop"
    if laptop and action in _ON_LAPTOP:
        what = f"{_ON_LAPTOP[action]} {kind_label(kind).lower()}" if kind else _ON_LAPTOP[action]
        text = f"{what} on {where}"
        if detail:
            text += f" ({detail})"
    elif action == "push":
        text = f"Sent from {where} to the central record"
        if detail:
            text += f": {_kinds_words(detail)}"
    elif action == "audit_read":
        text = "Read this audit trail"
        if detail:
            text += f" ({detail})"
    elif action == "pull":
        text = f"Received by {where}"
        if detail:
            text += f": {detail}"
    else:
        said = action.replace("_", " ").capitalize()
        text = f"{said} ({'on ' + where if laptop else 'central record'})"
        if detail:
            text += f": {detail}"
    if uploaded_later and received_at is not None:
        text += f" (offline, uploaded {_short(received_at)})"
    return text


# `glass.grant`'s detail: "temporary access <grant id> until <UTC>".
_GRANT = re.compile(r"^temporary access (?P<id>[0-9a-f-]{36}) until ")


def _grant_words(conn: Connection, rows: Sequence[sa.Row]) -> dict[str, str]:
    """event id -> a break-the-glass grant in words, with its stated reason."""
    grant_of = {
        r.id: m["id"]
        for r in rows
        if r.action == "break_glass" and r.detail and (m := _GRANT.match(r.detail))
    }
    if not grant_of:
        return {}
    t = temporary_access
    grants = {
        g.id: g
        for g in conn.execute(
            sa.select(t.c.id, t.c.reason, t.c.ends_at).where(t.c.id.in_(set(grant_of.values())))
        )
    }
    said = {}
    for event_id, grant_id in grant_of.items():
        g = grants.get(grant_id)
        if g is not None:
            until = england_text(as_utc(g.ends_at))
            said[event_id] = f"Opened by break-the-glass until {until}, stating: “{g.reason}”"
    return said


def _cursor(at: datetime, event_id: str) -> str:
    return f"{as_utc(at).isoformat()}|{event_id}"


def _parse_cursor(text: str) -> tuple[datetime, str]:
    at, sep, event_id = text.partition("|")
    if not sep or not event_id:
        raise ValueError("after: not a cursor this service gave")
    try:
        return as_utc(datetime.fromisoformat(at)), event_id
    except ValueError:
        raise ValueError("after: not a cursor this service gave") from None


def trail(
    conn: Connection, child_id: str, *, after: str | None = None, limit: int = PAGE
) -> AuditTrail:
    """One page of the child's events, oldest first; `after` is the `next`
    of the page before. Raises ValueError for a cursor it did not give."""
    e = audit_events
    own_records = sa.select(records.c.id).where(records.c.child_id == child_id)
    query = (
        sa.select(
            e.c.id,
            e.c.source,
            e.c.at,
            e.c.action,
            e.c.record_id,
            e.c.detail,
            e.c.received_at,
            workers.c.name.label("worker"),
            devices.c.name.label("device"),
            records.c.kind,
        )
        .select_from(
            e.outerjoin(workers, workers.c.id == e.c.worker_id)
            .outerjoin(devices, devices.c.id == e.c.device_id)
            .outerjoin(records, records.c.id == e.c.record_id)
        )
        .where(
            sa.or_(
                e.c.child_id == child_id,
                sa.and_(e.c.child_id.is_(None), e.c.record_id.in_(own_records)),
            )
        )
        .order_by(e.c.at, e.c.id)
        .limit(limit + 1)
    )
    if after is not None:
        at, event_id = _parse_cursor(after)
        query = query.where(sa.or_(e.c.at > at, sa.and_(e.c.at == at, e.c.id > event_id)))
    rows = conn.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    grants = _grant_words(conn, rows)
    entries = []
    for r in rows:
        laptop = r.source == "client"
        at = as_utc(r.at)
        received = as_utc(r.received_at) if r.received_at is not None else None
        later = laptop and received is not None and received - at > UPLOADED_LATER
        entries.append(
            AuditEntry(
                id=r.id,
                at=at,
                action=r.action,
                on="laptop" if laptop else "central_record",
                worker=r.worker,
                device=r.device,
                record_id=r.record_id,
                detail=r.detail,
                received_at=received if laptop else None,
                uploaded_later=later,
                words=grants.get(r.id)
                or words(
                    r.action,
                    laptop=laptop or r.action in ("push", "pull"),
                    device=r.device,
                    detail=r.detail,
                    kind=r.kind,
                    received_at=received if laptop else None,
                    uploaded_later=later,
                ),
            )
        )
    return AuditTrail(
        child_id=child_id,
        entries=entries,
        next=_cursor(rows[-1].at, rows[-1].id) if more else None,
    )


def read_on_host(engine: Engine, child_id: str) -> Iterator[AuditEntry]:
    """Every event of the child's trail, for `central-record audit` (the
    administrator on the service's host); the reading is on the trail too.
    Raises ValueError for a child the central record does not hold."""
    with engine.begin() as conn:
        if not child_exists(conn, child_id):
            raise ValueError(f"--child: there is no child with id {child_id!r}.")
        after = None
        while True:
            page = trail(conn, child_id, after=after, limit=MAX_PAGE)
            yield from page.entries
            if page.next is None:
                break
            after = page.next
        record_audit(conn, action="audit_read", child_id=child_id, detail="on the service's host")


class TrailRefused(Exception):
    """The asker may not read this child's trail (or there is no such
    child); `status`, `code` and `message` are the answer to give."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


NOT_YOUR_TEAM = (
    "Only a coordinator, or the manager of the team whose worker holds "
    "this child, may read the child's audit trail."
)


def read_as(
    conn: Connection,
    *,
    worker_id: int,
    role: str,
    child_id: str,
    after: str | None = None,
    limit: int = PAGE,
    device_id: str | None = None,
    detail: str | None = None,
) -> AuditTrail:
    """One page of the trail for an account whose role holds `read_audit`:
    a coordinator reads any child's, a team manager only the children held
    now by a member of a team they manage (otherwise `TrailRefused`,
    whether the child exists or not: a manager learns nothing of children
    outside their team). The first page's reading is itself on the trail
    (every page would add one more for the next page to find). Raises
    ValueError for a cursor this service did not give."""
    if role == Role.coordinator.value:
        if not child_exists(conn, child_id):
            raise TrailRefused(404, "not_found", "There is no such child on the central record.")
    elif not manages_holder(conn, worker_id, child_id):
        raise TrailRefused(403, "not_your_team", NOT_YOUR_TEAM)
    page = trail(conn, child_id, after=after, limit=limit)
    if after is None:
        record_audit(
            conn,
            action="audit_read",
            worker_id=worker_id,
            device_id=device_id,
            child_id=child_id,
            detail=detail,
        )
    return page


def line(entry: AuditEntry) -> str:
    """The CLI's line for one event: when, who, what."""
    return f"{england_text(entry.at)}  {entry.worker or 'the central record'}  {entry.words}"
