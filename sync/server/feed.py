"""The change feed: what a worker's device must apply to hold exactly the
newest revision of every record of every child on its caseload.

The cursor is the highest change sequence the device has applied. A page
never reads past `sequence.committed_seq`, below which every sequence
number is final (see `sequence`): a reader never passes a gap that could
still fill.

A page covers the sequence range (since, bound]. Caseload membership is
read from the assignment events as of a sequence number, never "as of now",
so a page is the same whatever happens after it:
- records changed in that range of the children held at both `since` and
  `bound`, oldest first, at most `limit` of them (bound is the last
  candidate's sequence when the page is full, else the committed counter);
  a child held then that has left the caseload since is still sent, as the
  device holds it until a later page says it was removed;
- for children held at `bound` but not at `since`, every record up to
  `bound` — the history a new holder never saw — a few children a page
  (nothing of theirs is in the ordered stream, so nothing comes twice);
- children held at `since` but not at `bound`: removed_children.

On request a page also says how many records are left to send from it to
the end of the feed, so a first sync can show a percentage (`remaining`).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.schema import assignment_events, assignments, records
from sync.server.sequence import committed_seq


def _text(sql: str) -> sa.ColumnElement[str]:
    return sa.literal_column(f"'{sql}'", sa.Text)


def _json_string(column: sa.ColumnElement[str], dialect: str) -> sa.ColumnElement[str]:
    if dialect == "postgresql":
        return sa.cast(sa.func.to_json(column), sa.Text)
    return sa.func.json_quote(column)


def _record_json(dialect: str) -> sa.ColumnElement[str]:
    """Each record as its wire JSON, built by the database.

    Stored data is already validated JSON: it is spliced in rather than
    parsed and re-serialised, and the database does the splicing, so serving
    thousands of records a page costs this process (and its GIL, which an
    embedded service shares with the client) next to nothing. Ids, kinds and
    timestamps are written by this service and need no escaping; the worker
    name is quoted by the database's JSON function.
    """
    r = records.c
    return (
        _text('{"id":"')
        + r.id
        + _text('","kind":"')
        + r.kind
        + _text('","child_id":"')
        + r.child_id
        + _text('","rev":')
        + sa.cast(r.rev, sa.Text)
        + _text(',"deleted":')
        + sa.case((r.deleted, _text("true")), else_=_text("false"))
        + _text(',"updated_at":"')
        + r.updated_at
        + _text('","updated_by":')
        + _json_string(r.updated_by, dialect)
        + _text(',"data":')
        + r.data
        + _text("}")
    ).label("json")


def _columns(dialect: str) -> tuple[sa.ColumnElement, ...]:
    return (records.c.child_id, records.c.change_seq, _record_json(dialect))


def encode_cursor(seq: int, backfill: tuple[int, int] | None = None) -> str:
    """`seq`, or `since~bound~done` while a page's new children are still
    being sent a few at a time."""
    return str(seq) if backfill is None else f"{seq}~{backfill[0]}~{backfill[1]}"


def decode_cursor(cursor: str | None) -> tuple[int, tuple[int, int] | None]:
    if not cursor:
        return 0, None
    parts = cursor.split("~")
    if len(parts) not in (1, 3) or not all(p.isdigit() and len(p) <= 19 for p in parts):
        raise ValueError("since: not a cursor this service issued")
    numbers = [int(p) for p in parts]
    if len(numbers) == 1:
        return numbers[0], None
    if numbers[1] < numbers[0]:
        raise ValueError("since: not a cursor this service issued")
    return numbers[0], (numbers[1], numbers[2])


def held_at(conn: Connection, worker_id: int, seq: int) -> set[str]:
    """The worker's children as of sequence number `seq`."""
    e = assignment_events
    latest = (
        sa.select(e.c.child_id, sa.func.max(e.c.seq).label("last"))
        .where(e.c.worker_id == worker_id, e.c.seq <= seq)
        .group_by(e.c.child_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(e.c.child_id)
        .join(latest, sa.and_(e.c.child_id == latest.c.child_id, e.c.seq == latest.c.last))
        .where(e.c.worker_id == worker_id, e.c.assigned.is_(True))
    )
    return {r[0] for r in rows}


def page(
    conn: Connection, worker_id: int, cursor: str | None, limit: int, *, estimate: bool = False
) -> tuple[str, int]:
    """(ChangesPage JSON, number of records) for one page; with `estimate`,
    the page carries `remaining` (see `_remaining`)."""
    since, backfilling = decode_cursor(cursor)
    held_now = sa.select(assignments.c.child_id).where(assignments.c.worker_id == worker_id)
    top = committed_seq(conn)
    if since > top or (backfilling and backfilling[0] > top):
        raise ValueError("since: the cursor is ahead of this service")
    if since == top:
        # Nothing at all has happened since (every record change and every
        # caseload change takes a sequence number): the common poll is one query.
        return _body([], [], encode_cursor(since), more=False, remaining=0 if estimate else None), 0
    # When each held child was (last) assigned: records older than that are
    # the new holder's backfill, not part of the ordered stream, so a worker
    # given a child with a long history is not paged through empty ranges.
    e = assignment_events
    assigned_at = (
        sa.select(e.c.child_id, sa.func.max(e.c.seq).label("at"))
        .where(e.c.worker_id == worker_id, e.c.assigned.is_(True), e.c.child_id.in_(held_now))
        .group_by(e.c.child_id)
        .subquery()
    )
    ceiling = backfilling[0] if backfilling else top
    before = held_at(conn, worker_id, since)
    columns = _columns(conn.dialect.name)
    # The ordered stream: changes of the children the device held at
    # `since`, even one since unassigned (it is not purged until a page says
    # so, and if it comes back it must not have missed anything). A child
    # that arrives in this range comes whole in the backfill below instead.
    candidates = (
        conn.execute(
            sa.select(*columns)
            .where(records.c.change_seq > since, records.c.change_seq <= ceiling)
            .where(records.c.child_id.in_(before))
            .order_by(records.c.change_seq)
            .limit(limit + 1)
        ).all()
        if before
        else []
    )
    if backfilling:
        bound, done = backfilling
    else:
        bound = candidates[limit - 1].change_seq if len(candidates) > limit else top
        done = 0
    candidates = [r for r in candidates if r.change_seq <= bound]

    after = held_at(conn, worker_id, bound)
    arrived = sorted(after - before)
    removed = sorted(before - after)
    # Each new child comes whole: everything up to this page's bound, read
    # as of the bound and not of now (it may have been unassigned since, and
    # assigned again before the next pull), a few children a page.
    remaining = None
    if estimate:
        remaining = _remaining(conn, assigned_at, since, top, before, (arrived[:done], bound))
    counts: dict[str, int] = (
        dict(
            conn.execute(
                sa.select(records.c.child_id, sa.func.count())
                .where(records.c.child_id.in_(arrived[done:]), records.c.change_seq <= bound)
                .group_by(records.c.child_id)
            ).all()
        )
        if arrived[done:]
        else {}
    )
    chosen: list[str] = []
    size = 0
    for child in arrived[done:]:
        if chosen and size + counts.get(child, 0) > limit:
            break
        chosen.append(child)
        size += counts.get(child, 0)
    backfill: list[sa.Row] = []
    if chosen:
        backfill = list(
            conn.execute(
                sa.select(*columns)
                .where(records.c.child_id.in_(chosen), records.c.change_seq <= bound)
                .order_by(records.c.change_seq)
            ).all()
        )
    if done + len(chosen) < len(arrived):
        # More new children to send before this page's ordered changes.
        next_cursor = encode_cursor(since, (bound, done + len(chosen)))
        return _body(backfill, [], next_cursor, more=True, remaining=remaining), len(backfill)
    changed = [r for r in candidates if r.child_id in after]
    rows = backfill + changed
    return _body(rows, removed, encode_cursor(bound), more=bound < top, remaining=remaining), len(
        rows
    )


def _remaining(
    conn: Connection,
    assigned_at: sa.Subquery,
    since: int,
    top: int,
    before: set[str],
    sent: tuple[list[str], int],
) -> int:
    """Records still to send from `since` to `top`: every change since of the
    children held then and still held, and the whole history of the children
    held now but not then, less the history already sent of those of them
    this page's cursor has already covered (`sent`: children, up to which
    sequence).

    An estimate, as it reads the caseload as of now: a child assigned and
    unassigned again within the range is not counted. One count over the
    worker's records, so it is asked for once per sync, not every page.
    """
    r = records.c
    query = (
        sa.select(sa.func.count())
        .select_from(records.join(assigned_at, assigned_at.c.child_id == r.child_id))
        .where(r.change_seq <= top)
        .where(sa.or_(r.change_seq > since, r.child_id.not_in(before)))
    )
    children, upto = sent
    if children:
        query = query.where(sa.not_(sa.and_(r.child_id.in_(children), r.change_seq <= upto)))
    return conn.execute(query).scalar_one()


def _body(
    rows: list, removed: list[str], cursor: str, *, more: bool, remaining: int | None = None
) -> str:
    extra = "" if remaining is None else f',"remaining":{remaining}'
    return (
        '{"records":['
        + ",".join([r.json for r in rows])
        + '],"removed_children":'
        + json.dumps(removed)
        + ',"cursor":'
        + json.dumps(cursor)
        + ',"more":'
        + ("true" if more else "false")
        + extra
        + "}"
    )
