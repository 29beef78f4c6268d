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

Need to know (`sync.kinds.restriction`): a record restricted to agencies
the worker's is not among is never sent. Where the device may hold an
earlier revision of it (one it could see, before the restriction), the
page withdraws it instead: its id is in `removed_records` and the laptop
drops it with everything derived from it. "May hold" is read from the
revision number: a record restricted from its first revision (rev 1) was
never visible to the device, and nothing at all is said of it; a later
revision is withdrawn whether or not the device held it (an id, nothing
else, and only of a record of a child it holds), which costs no lookup of
the history. The backfill of a new child sends only what it may see.

On request a page also says how many records are left to send from it to
the end of the feed, so a first sync can show a percentage (`remaining`).
"""

from __future__ import annotations

import functools
import json
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.caseload import held_children
from sync.server.db import among
from sync.server.need_to_know import agency_of, sendable, visible
from sync.server.schema import assignment_events, assignments, records, workers
from sync.server.sequence import committed_seq, committed_seq_column, issued_seq


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


def _stream_columns(dialect: str, agency: str) -> tuple[sa.ColumnElement, ...]:
    # A withdrawn record's JSON is never built: only its id leaves the database.
    shown = visible(agency)
    return (
        records.c.id,
        records.c.child_id,
        records.c.change_seq,
        shown.label("shown"),
        sa.case((shown, _record_json(dialect)), else_=sa.null()).label("json"),
    )


def encode_cursor(seq: int, backfill: tuple[int, int] | None = None) -> str:
    """`seq`, or `since~bound~done` while a page's new children are still
    being sent a few at a time."""
    return str(seq) if backfill is None else f"{seq}~{backfill[0]}~{backfill[1]}"


_MAX_SEQ = 2**63 - 1


def decode_cursor(cursor: str | None) -> tuple[int, tuple[int, int] | None]:
    if not cursor:
        return 0, None
    parts = cursor.split("~")
    if len(parts) not in (1, 3) or not all(p.isdigit() and len(p) <= 19 for p in parts):
        raise ValueError("since: not a cursor this service issued")
    numbers = [int(p) for p in parts]
    if max(numbers) > _MAX_SEQ:
        # Sequence numbers are BIGINT: a larger one was never issued, and
        # as a bound parameter it would fail in the database, not here.
        raise ValueError("since: not a cursor this service issued")
    if len(numbers) == 1:
        return numbers[0], None
    if numbers[1] < numbers[0]:
        raise ValueError("since: not a cursor this service issued")
    return numbers[0], (numbers[1], numbers[2])


class CursorAhead(ValueError):
    """A cursor past anything this service handed out: it came from a timeline
    a restore from backup lost (see `sync.server.restores`)."""


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
    conn: Connection,
    worker_id: int,
    cursor: str | None,
    limit: int,
    *,
    estimate: bool = False,
    sent: Counter[str] | None = None,
) -> tuple[str, int]:
    """(ChangesPage JSON, number of records) for one page; with `estimate`,
    the page carries `remaining` (see `_remaining`); `sent`, if given, is
    counted up by how many records of each child the page holds (for the
    child's audit trail).

    What a page costs is what it sends and a constant: every query below
    reads the records index by (child, sequence) within the range the page
    covers, none counts or reads what is not sent (the ordered stream is
    read only on the page that sends it, new children are counted a few at
    a time as they are sent), and `remaining` is three such counts."""
    since, backfilling = decode_cursor(cursor)
    if backfilling:
        top, busy = committed_seq(conn), True
    else:
        top, busy = _look(conn, worker_id, since)
        if top is None:  # no batch at all: as `committed_seq` says
            top = committed_seq(conn)
    reached = backfilling[0] if backfilling else since
    if reached > top:
        # The watermark may dip for a moment below one an earlier page
        # stopped at (see `sequence`); what a cursor this service issued
        # reached stays final, so the page goes no further than it.
        if reached > issued_seq(conn):
            raise CursorAhead("since: the cursor is ahead of this service")
        top = reached
    if since == top:
        # Nothing at all has happened since (every record change and every
        # caseload change takes a sequence number): the common poll is one query.
        return _body([], [], encode_cursor(since), more=False, remaining=0 if estimate else None), 0
    if not busy:
        # A busy council, a quiet caseload: the usual poll once anyone
        # anywhere has changed anything. Answered by the statement that
        # read the watermark, instead of the half-dozen below, which would
        # find nothing to send.
        return _body([], [], encode_cursor(top), more=False, remaining=0 if estimate else None), 0
    agency = agency_of(conn, worker_id)
    before = held_at(conn, worker_id, since)
    # The ordered stream: changes of the children the device held at
    # `since`, even one since unassigned (it is not purged until a page says
    # so, and if it comes back it must not have missed anything). A child
    # that arrives in this range comes whole in the backfill below instead.
    candidates: list[sa.Row] = []
    if backfilling:
        bound, done = backfilling
    else:
        candidates = _stream(conn, before, agency, since, top, limit + 1)
        bound = candidates[limit - 1].change_seq if len(candidates) > limit else top
        candidates = [r for r in candidates if r.change_seq <= bound]
        done = 0

    after = held_at(conn, worker_id, bound)
    arrived = sorted(after - before)
    removed = sorted(before - after)
    remaining = None
    if estimate:
        remaining = _remaining(conn, worker_id, agency, since, top, before, (arrived[:done], bound))
    # Each new child comes whole: everything up to this page's bound, read
    # as of the bound and not of now (it may have been unassigned since, and
    # assigned again before the next pull), a few children a page.
    chosen = _next_children(conn, arrived[done:], agency, bound, limit)
    backfill: list[sa.Row] = []
    if chosen:
        backfill = list(
            conn.execute(
                sa.select(*_columns(conn.dialect.name))
                .where(among(conn, records.c.child_id, chosen), records.c.change_seq <= bound)
                .where(visible(agency))
                .order_by(records.c.change_seq)
            ).all()
        )
    if done + len(chosen) < len(arrived):
        # More new children to send before this page's ordered changes.
        next_cursor = encode_cursor(since, (bound, done + len(chosen)))
        if sent is not None:
            sent.update(r.child_id for r in backfill)
        return _body(backfill, [], next_cursor, more=True, remaining=remaining), len(backfill)
    if backfilling:
        # Read only now, on the page that sends it: at most `limit` changes
        # lie in (since, bound] (bound was the limit-th when it was chosen).
        candidates = _stream(conn, before, agency, since, bound, limit + 1)
    changed = [r for r in candidates if r.child_id in after]
    rows = backfill + [r for r in changed if r.shown]
    withdrawn = [r.id for r in changed if not r.shown]
    if sent is not None:
        sent.update(r.child_id for r in rows)
    body = _body(
        rows,
        removed,
        encode_cursor(bound),
        more=bound < top,
        remaining=remaining,
        withdrawn=withdrawn,
    )
    return body, len(rows)


def quiet_page(
    conn: Connection, worker_id: int, cursor: str | None, *, estimate: bool
) -> str | None:
    """The page for `cursor` when nothing of this worker's happened since it
    (see `_look`), else None: then `page` decides. One statement, whose
    snapshot is the one the watermark was read in, so it needs no
    transaction of its own: the service runs it in autocommit
    (`db.single_statements`), and the usual poll of a busy council is one
    round trip to the database. What it answers is what `page` would."""
    since, backfilling = decode_cursor(cursor)
    if backfilling:
        return None
    top, busy = _look(conn, worker_id, since)
    if top is None or since > top or (since < top and busy):
        return None  # a watermark below the cursor, or something to send: `page`
    return _body([], [], encode_cursor(top), more=False, remaining=0 if estimate else None)


def _look(conn: Connection, worker_id: int, since: int) -> tuple[int, bool]:
    """The watermark (`committed_seq`) and whether anything of this worker's
    lies in (since, watermark], in one statement and so one snapshot.

    Nothing there means: no caseload change after `since` (so the children
    held then are those held now, and at the watermark) and no change in
    the range to any child held now that the worker's agency is told of
    (the record, or its withdrawal). Then the full page would send nothing,
    move no child and leave nothing remaining, and its cursor is the
    watermark. A caseload change above the watermark (not yet visible to
    readers) counts too: conservative, the full page then decides."""
    row = conn.execute(_look_statement(conn.dialect.name), {"worker": worker_id, "since": since})
    top, busy = row.one()
    return top, bool(busy)


@functools.cache
def _look_statement(dialect: str) -> sa.Select:
    # Built once: every poll runs it, and building and keying a statement
    # of this size costs more CPU than PostgreSQL spends running it.
    e, a, r = assignment_events, assignments, records
    worker = sa.bindparam("worker", type_=sa.Integer)
    since = sa.bindparam("since", type_=sa.BigInteger)
    top = sa.select(committed_seq_column(dialect).label("seq")).cte("top")
    moved = sa.exists().where(e.c.worker_id == worker, e.c.seq > since)
    changed = (
        sa.select(a.c.child_id)
        .where(
            a.c.worker_id == worker,
            sa.exists()
            .where(
                r.c.child_id == a.c.child_id, r.c.change_seq > since, r.c.change_seq <= top.c.seq
            )
            .where(
                sendable(
                    sa.select(workers.c.agency).where(workers.c.id == worker).scalar_subquery()
                )
            )
            .correlate(a, top),
        )
        .exists()
    )
    return sa.select(top.c.seq, sa.or_(moved, changed))


def _stream(
    conn: Connection, children: set[str], agency: str, since: int, upto: int, n: int
) -> list[sa.Row]:
    """The first `n` changes in (since, upto] of `children` that `agency`
    is told of, oldest first; `shown` false for a withdrawal."""
    if not children:
        return []
    return list(
        conn.execute(
            sa.select(*_stream_columns(conn.dialect.name, agency))
            .where(among(conn, records.c.child_id, sorted(children)))
            .where(records.c.change_seq > since, records.c.change_seq <= upto)
            .where(sendable(agency))
            .order_by(records.c.change_seq)
            .limit(n)
        ).all()
    )


# New children are counted this many at a time, as many as a page needs.
_COUNT_CHUNK = 50


def _next_children(
    conn: Connection, waiting: list[str], agency: str, bound: int, limit: int
) -> list[str]:
    """The first of `waiting` whose histories up to `bound` fill a page of
    `limit` (at least one child, however long its history)."""
    chosen: list[str] = []
    size = 0
    for start in range(0, len(waiting), _COUNT_CHUNK):
        chunk = waiting[start : start + _COUNT_CHUNK]
        counts: dict[str, int] = dict(
            conn.execute(
                sa.select(records.c.child_id, sa.func.count())
                .where(among(conn, records.c.child_id, chunk), records.c.change_seq <= bound)
                .where(visible(agency))
                .group_by(records.c.child_id)
            ).all()
        )
        for child in chunk:
            if chosen and size + counts.get(child, 0) > limit:
                return chosen
            chosen.append(child)
            size += counts.get(child, 0)
    return chosen


def _remaining(
    conn: Connection,
    worker_id: int,
    agency: str,
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
    unassigned again within the range is not counted. Three counts, each a
    range of the (child, sequence) index (no `OR`, no `NOT IN`, which kept
    the sequence out of the index condition and fell off a plan cliff at
    large caseloads); asked for once per sync, not every page."""
    now = held_children(conn, worker_id)
    children, upto = sent
    done = set(children) & now
    r = records.c

    def count(kids: set[str], after: int, told: sa.ColumnElement[bool]) -> sa.ScalarSelect:
        return (
            sa.select(sa.func.count())
            .where(among(conn, r.child_id, sorted(kids)), r.change_seq > after, r.change_seq <= top)
            .where(told)
            .scalar_subquery()
        )

    stream, backfill = sendable(agency), visible(agency)
    parts = [
        (now & before, since, stream),  # changes since, of children kept
        (now - before - done, -1, backfill),  # whole histories of children new since
        (done, upto, stream),  # of those partly sent, what came after
    ]
    queries = [count(kids, after, told) for kids, after, told in parts if kids]
    if not queries:
        return 0
    return sum(conn.execute(sa.select(*queries)).one())


def _body(
    rows: list,
    removed: list[str],
    cursor: str,
    *,
    more: bool,
    remaining: int | None = None,
    withdrawn: list[str] | tuple[()] = (),
) -> str:
    extra = "" if remaining is None else f',"remaining":{remaining}'
    if withdrawn:
        # Only when there is one: a page without withdrawals reads exactly
        # as it did before the field existed.
        extra += ',"removed_records":' + json.dumps(withdrawn)
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
